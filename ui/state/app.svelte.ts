// The page's state and the one place that talks to the simulation workers.
//
// Contract: the live worker gets at most one request at a time; a request made while one
// is in flight waits, and a newer seek replaces an older one (latest wins), so scrubbing
// never queues a backlog of replays. Relative seeks add to the time the page is going to
// (the last seek asked for), not to the frame on screen, so quick key presses add up. A
// long seek runs in slices and shows its progress. A change of scenario, seed or
// interventions reopens the live session at the current moment, starts a new full-run
// summary and adds a browser history entry (Back undoes it); replies from an older
// session are dropped. Nothing the user made is dropped without asking: changing scenario
// or seed, or starting a tour, with interventions not yet exported asks first, and the last
// intervention can be undone. Wall-clock time is read here only to pace playback.
import { proxy } from 'comlink';
import type { Micros, NodeId } from '../../core/env.ts';
import { DEFAULT_SCENARIO } from '../../sim/scenario/defaultScenario.ts';
import { parseDuration } from '../../sim/scenario/duration.ts';
import type { FaultSpec, Scenario } from '../../sim/scenario/schema.ts';
import { bundledCatalogue, entryOf, parseWhenIdle, type CatalogueEntry } from '../lib/catalogue.ts';
import { exportFileName, exportScenarioYaml } from '../lib/exportScenario.ts';
import { faultLabel } from '../lib/faultText.ts';
import { openUntilUs, sessionScenario } from '../lib/sessionScenario.ts';
import { clockText } from '../lib/format.ts';
import { readUrlState, writeUrlState } from '../lib/urlState.ts';

import { RETRIEVAL_PANEL, type Frame, type FrameAction, type LogFilter, type RagView, type SessionSpec, type Summary } from '../sim/protocol.ts';
import type { KeyframeStatus } from '../sim/keyframes.ts';
import type { Tour } from '../tours/types.ts';
import type { SimClient } from './simClient.ts';
import { BUDGET_WALL_MS, DEFAULT_SPEED_INDEX, DEFAULT_TOUR_SPEED, MAX_SPEED, SLOW_SPEED, SPEEDS } from './speeds.ts';

export { DEFAULT_SCENARIO };
export const LOG_LIMIT = 150;
export const LOG_LIMIT_PLAYING = 30;
/** A seek gets this much worker time per request; a longer one goes on in further requests, with progress shown. */
export const SEEK_SLICE_WALL_MS = 200;
/** While playing, the worker is asked for a frame at most this often (the animation runs on every animation frame in between). */
const WORKER_FRAME_MS = 40;
/** Messages are drawn at most this much wall time of playback ahead of the last frame. */
const DISPLAY_LEAD_MS = 120;
/** Undo remembers this many earlier intervention lists. */
const UNDO_MAX = 50;
/** Playback never advances more than this much wall time per frame (a stalled tab resumes gently). */
const WALL_STEP_MS_MAX = 100;
const URL_EVERY_MS = 1_000;
/** While playing, the event log is refreshed this often (rebuilding it every frame costs frames). */
const LOG_EVERY_MS = 500;
/** How often the page asks how far the worker's seek cache is, until it is complete. */
const KEYFRAMES_POLL_MS = 500;

export interface Notice {
  text: string;
  tone: 'info' | 'error';
  /** Offer "Undo" beside the text (for a just-recorded intervention). */
  undo?: boolean;
}

/** A question the page asks before it drops work; each choice runs its action. */
export interface Question {
  title: string;
  text: string;
  choices: { label: string; run: () => void; primary?: boolean }[];
}

/** The largest seed the page accepts (the URL and the CLI take the same). */
export const SEED_MAX = Number.MAX_SAFE_INTEGER;

/** Reads a seed as typed: a whole number from 0 to SEED_MAX, or the reason it is not one. */
export function parseSeed(text: string): { ok: true; seed: number } | { ok: false; message: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, message: `"${text}" is not a seed: type a whole number from 0 to ${SEED_MAX}` };
  const n = Number(t);
  if (!Number.isSafeInteger(n)) return { ok: false, message: `${t} is too large: a seed is at most ${SEED_MAX}` };
  return { ok: true, seed: n };
}

/** The nodes a violation names: its own node, then every "n3" or "node 3" in its message. */
export function violationNodes(v: { node: NodeId | null; message: string }): NodeId[] {
  const out = new Set<NodeId>();
  if (v.node !== null && v.node >= 0) out.add(v.node);
  for (const m of v.message.matchAll(/\b(?:n|node )(\d{1,2})\b/g)) out.add(Number(m[1]));
  return [...out];
}

export class AppState {
  catalogue = $state.raw<CatalogueEntry[]>(bundledCatalogue());
  entryName = $state(DEFAULT_SCENARIO);
  seed = $state(1);
  interventions = $state.raw<FaultSpec[]>([]);
  frame = $state.raw<Frame | null>(null);
  summary = $state.raw<Summary | null>(null);
  summaryBusy = $state(false);
  /** How far the full run is, 0..1, while it runs. */
  summaryProgress = $state(0);
  /** Where a seek that is still running is going, or null. */
  seekingToUs = $state<Micros | null>(null);
  question = $state.raw<Question | null>(null);
  /** Earlier intervention lists, newest last. */
  undoStack = $state.raw<FaultSpec[][]>([]);
  /** The interventions as last exported (or as loaded), to know whether there is unsaved work. */
  savedKey = $state('[]');
  /** The side panel's tab (a registered panel's id). */
  tab = $state('inspect');
  /** The violation opened from the verdict or the timeline (index into the summary's), or null. */
  violationIndex = $state<number | null>(null);
  playing = $state(false);
  speedIndex = $state(DEFAULT_SPEED_INDEX);
  selectedNode = $state<NodeId | null>(null);
  selectedLink = $state.raw<[NodeId, NodeId] | null>(null);
  /** The message picked in the cluster view (its key), shown with its fields. */
  selectedFlight = $state<string | null>(null);
  /** Slow down around the workload's moments of interest (elections), to SLOW_SPEED. */
  slowMotion = $state(true);
  logNode = $state<NodeId | null>(null);
  logKinds = $state.raw<string[] | null>(null);
  notice = $state.raw<Notice | null>(null);
  tour = $state.raw<{ tour: Tour; index: number } | null>(null);
  framesPerSecond = $state(0);
  lastWorkMs = $state(0);
  lastSeekMs = $state(0);
  /** The retrieval panel (a workload that offers it): its question, the corpus titles, the last view. */
  ragAsk = $state<number | null>(null);
  ragTitles = $state.raw<string[] | null>(null);
  ragView = $state.raw<RagView | null>(null);
  /** A node a side-panel view shows without selecting it (the MAPE-K view's manager), for that tab only. */
  panelNode = $state.raw<{ tab: string; node: NodeId } | null>(null);

  /** The live worker's seek cache (keyframe times, complete or not), or null before a session. */
  keyframes = $state.raw<KeyframeStatus | null>(null);

  private busy = false;
  private openGen = 0;
  private keyframesPoll: ReturnType<typeof setTimeout> | null = null;
  private wanted: FrameAction | null = null;
  private refreshWanted = false;
  private pendingOpen: { spec: SessionSpec; toUs: Micros } | null = null;
  private opened = false;
  private playheadUs = 0;
  private lastPlayWallMs = 0;
  private summaryGen = 0;
  private urlWrittenMs = 0;
  private frameCount = 0;
  private frameCountSinceMs = 0;
  private seekStartedMs = 0;
  private logWrittenMs = 0;
  /** The last event log received (frames taken while playing may leave it out). */
  private lastLog: Frame['log'] = [];
  /** Where the last seek asked for is going, until its frame arrives. */
  private seekTargetUs: Micros | null = null;

  constructor(private readonly client: SimClient) {}

  get entry(): CatalogueEntry | undefined {
    return this.catalogue.find((e) => e.name === this.entryName);
  }

  get scenario(): Scenario | null {
    return this.entry?.scenario ?? null;
  }

  get speed(): number {
    return SPEEDS[this.speedIndex];
  }

  /** The last check of this session across Web Workers (issue: same hash with N workers). */
  workersCheck = $state.raw<{ workers: number; hash: string; eventsPerCall: number; busy: boolean; error: string } | null>(null);

  /**
   * Runs the session's full run again with its nodes spread over `workers` Web Workers
   * under lockstep, from this page's thread, and records the hash for the Session panel
   * to compare with the one-thread hash.
   */
  async checkWorkers(workers: number): Promise<void> {
    const spec = this.spec;
    if (spec === null) return;
    const plain = $state.snapshot(spec) as SessionSpec;
    this.workersCheck = { workers, hash: '', eventsPerCall: 0, busy: true, error: '' };
    try {
      const [{ runScenarioLockstep }, { spawnWebPool }] = await Promise.all([import('../../sim/workers/runLockstep.ts'), import('../../sim/workers/webPool.ts')]);
      const r = await runScenarioLockstep(sessionScenario(plain.scenario, plain.seed, plain.interventions), plain.seed, workers, spawnWebPool);
      this.workersCheck = { workers, hash: r.report.traceHash, eventsPerCall: r.lockstep.eventsPerCall, busy: false, error: '' };
    } catch (e) {
      this.workersCheck = { workers, hash: '', eventsPerCall: 0, busy: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  get spec(): SessionSpec | null {
    const s = this.scenario;
    return s === null ? null : { scenario: s, seed: this.seed, interventions: this.interventions };
  }

  // ---- starting up and choosing what to run ----

  /** Applies the address (scenario, seed, time, interventions) and opens the session. */
  start(search: string): void {
    performance.mark('faultline:start');
    this.applyAddress(search);
    // The rest of the catalogue is parsed while idle; the list then marks invalid files.
    parseWhenIdle(this.catalogue, () => { this.catalogue = [...this.catalogue]; });
  }

  /** The browser's Back or Forward moved to another history entry: show what it holds. */
  restore(search: string): void {
    this.question = null;
    this.tour = null;
    this.playing = false;
    this.applyAddress(search);
  }

  private applyAddress(search: string): void {
    const u = readUrlState(search);
    const problems = [...u.problems];
    let name = DEFAULT_SCENARIO;
    if (u.scenario !== undefined) {
      if (this.catalogue.some((e) => e.name === u.scenario)) name = u.scenario;
      else problems.push(`scenario "${u.scenario}" is not in the catalogue; showing ${DEFAULT_SCENARIO}`);
    }
    if (name !== this.entryName) this.clearSelection();
    this.entryName = name;
    this.violationIndex = null;
    this.seed = u.seed ?? 1;
    this.interventions = u.interventions ?? [];
    this.savedKey = JSON.stringify(this.interventions);
    if (problems.length > 0) this.notice = { tone: 'error', text: `This link has problems: ${problems.join('; ')}.` };
    this.reopen(u.tUs ?? 0);
  }

  /** Whether there are interventions that were neither exported nor loaded from a link. */
  get unsaved(): boolean {
    return this.interventions.length > 0 && JSON.stringify(this.interventions) !== this.savedKey;
  }

  /**
   * Runs `go` now when nothing would be lost; else asks first, offering to export the
   * interventions, to drop them, or to stay.
   */
  private guard(what: string, go: () => void): void {
    if (!this.unsaved) { go(); return; }
    const n = this.interventions.length;
    this.question = {
      title: `${what}?`,
      text: `You have ${n} intervention${n === 1 ? '' : 's'} that you have not exported. ${what} replaces them; Back in the browser brings them back, and Export saves them as a scenario file first.`,
      choices: [
        { label: 'Export, then continue', run: () => { this.requestExport(); go(); } },
        { label: 'Discard them', run: go },
        { label: 'Cancel', run: () => {}, primary: true },
      ],
    };
  }

  answer(i: number): void {
    const q = this.question;
    this.question = null;
    q?.choices[i]?.run();
  }

  /** Set by the header: how the page downloads the export (a click on a link, in the DOM). */
  downloader: ((x: { fileName: string; text: string }) => void) | null = null;

  requestExport(): void {
    const x = this.exportSession();
    if (x !== null && this.downloader !== null) this.downloader(x);
  }

  private clearSelection(): void {
    this.selectedNode = null;
    this.selectedLink = null;
    this.logNode = null;
  }

  chooseScenario(name: string): void {
    if (name === this.entryName) return;
    this.guard('Change the scenario', () => this.switchTo(name, this.seed, 0));
  }

  /** Opens `name` at `seed` with no interventions, as a new history entry. */
  private switchTo(name: string, seed: number, atUs: Micros): void {
    if (name !== this.entryName) this.clearSelection();
    this.entryName = name;
    this.seed = seed;
    this.violationIndex = null;
    this.interventions = [];
    this.undoStack = [];
    this.savedKey = '[]';
    this.playing = false;
    this.reopen(atUs, true);
  }

  chooseSeed(seed: number): void {
    if (!(Number.isSafeInteger(seed) && seed >= 0) || seed === this.seed) return;
    const at = this.frame?.tUs ?? 0;
    if (!this.unsaved) {
      this.seed = seed;
      this.reopen(at, true);
      return;
    }
    const n = this.interventions.length;
    this.question = {
      title: 'Change the seed?',
      text: `Your ${n} intervention${n === 1 ? ' was' : 's were'} made watching seed ${this.seed}. On seed ${seed} the run differs, so they may land at different moments of it.`,
      choices: [
        { label: `Keep them on seed ${seed}`, run: () => { this.seed = seed; this.reopen(at, true); } },
        { label: 'Discard them', run: () => this.switchTo(this.entryName, seed, at) },
        { label: 'Cancel', run: () => {}, primary: true },
      ],
    };
  }

  upload(fileName: string, text: string): void {
    const e = entryOf(fileName, text, true);
    if (e.scenario === null) {
      this.notice = { tone: 'error', text: `${fileName} is not a valid scenario: ${e.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` };
      return;
    }
    this.catalogue = [...this.catalogue.filter((x) => x.name !== e.name), e];
    this.guard('Open the uploaded scenario', () => {
      this.notice = { tone: 'info', text: `Loaded ${fileName}.` };
      this.entryName = '';
      this.switchTo(e.name, this.seed, 0);
    });
  }

  /**
   * Rebuilds the live world for the current spec at `toUs` and recomputes the full run;
   * `push` records the change as a new browser history entry.
   */
  private reopen(toUs: Micros, push = false): void {
    const spec = this.spec;
    if (spec === null) {
      this.notice = { tone: 'error', text: `Scenario ${this.entryName} is invalid: ${this.entry?.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` };
      return;
    }
    const plain = $state.snapshot(spec) as SessionSpec;
    this.ragTitles = null;
    this.ragView = null;
    this.pendingOpen = { spec: plain, toUs };
    this.wanted = null;
    this.seekTargetUs = toUs;
    this.seekingToUs = toUs;
    if (push) this.pushUrl(toUs);
    // On a cold start the full run waits for the first frame: on two cores the two workers
    // would otherwise share the CPU and both arrive later.
    if (this.frame === null) this.summaryAfterFrame = plain;
    else this.summarize(plain);
    void this.pump();
  }

  private summarize(spec: SessionSpec): void {
    const gen = ++this.summaryGen;
    this.summaryBusy = true;
    this.summaryProgress = 0;
    const progress = proxy((f: number) => { if (gen === this.summaryGen) this.summaryProgress = f; });
    // The verdict comes first: the live worker fills its seek cache only once it is in.
    void this.client.live.holdIdleWork(true);
    this.client.summary.summarize(spec, progress).then((s) => {
      if (gen !== this.summaryGen) return;
      this.summary = s;
      this.summaryBusy = false;
      void this.client.live.holdIdleWork(false);
      performance.mark('faultline:verdict');
    }, (e: unknown) => {
      if (gen !== this.summaryGen) return;
      this.summaryBusy = false;
      void this.client.live.holdIdleWork(false);
      this.notice = { tone: 'error', text: `The full run failed: ${e instanceof Error ? e.message : String(e)}` };
    });
  }

  // ---- playback ----

  play(): void {
    if (this.frame === null) return;
    if (this.frame.tUs >= this.frame.endUs) this.seek(0);
    this.playing = true;
    this.lastPlayWallMs = performance.now();
    this.playheadUs = this.frame.tUs;
    void this.pump();
  }

  pause(): void {
    const was = this.playing;
    this.playing = false;
    this.stopAtUs = null;
    this.tourSpeed = null;
    this.writeUrl(true);
    // The log was kept short while playing; paused, it shows its full length again.
    if (was) this.refresh();
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  step(): void {
    this.playing = false;
    this.seekTargetUs = null;
    this.request({ kind: 'step' });
  }

  /** Playback stops here (a tour step's end), or null. */
  private stopAtUs: Micros | null = null;

  seek(toUs: Micros): void {
    const end = this.frame?.endUs ?? this.scenario?.duration ?? 0;
    const target = Math.max(0, Math.min(end, Math.round(toUs)));
    this.seekStartedMs = performance.now();
    this.seekTargetUs = target;
    this.seekingToUs = target === this.frame?.tUs ? null : target;
    this.stopAtUs = null;
    this.afterSeek = null;
    this.request({ kind: 'seek', toUs: target, wallMs: SEEK_SLICE_WALL_MS });
  }

  /** Moves by `deltaUs` from where the page is going (a pending seek's target), else from the frame on screen. */
  seekBy(deltaUs: Micros): void {
    this.seek((this.seekTargetUs ?? this.frame?.tUs ?? 0) + deltaUs);
  }

  setSpeedIndex(i: number): void {
    this.speedIndex = Math.max(0, Math.min(SPEEDS.length - 1, i));
    this.playheadUs = this.frame?.tUs ?? 0;
  }

  /**
   * Called on every animation frame. While playing, the playhead moves with the wall clock
   * on every animation frame and messages are drawn where they are at the playhead
   * (`displayUs`), while the worker is asked for a fresh frame at most every
   * WORKER_FRAME_MS: the animation stays smooth without a worker round trip per frame.
   */
  tick(nowMs: number): void {
    if (nowMs - this.frameCountSinceMs >= 1_000) {
      this.framesPerSecond = Math.round((this.frameCount * 1_000) / (nowMs - this.frameCountSinceMs));
      this.frameCount = 0;
      this.frameCountSinceMs = nowMs;
    }
    if (!this.playing) return;
    const speed = this.effectiveSpeed;
    if (speed !== MAX_SPEED) {
      const dt = Math.min(WALL_STEP_MS_MAX, Math.max(0, nowMs - this.lastPlayWallMs));
      this.lastPlayWallMs = nowMs;
      const end = Math.min(this.stopAtUs ?? Infinity, this.frame?.endUs ?? Infinity);
      this.playheadUs = Math.min(end, this.playheadUs + dt * speed * 1_000);
      const f = this.frame;
      const shown = f === null ? this.playheadUs : Math.min(this.playheadUs, f.tUs + speed * 1_000 * DISPLAY_LEAD_MS);
      if (shown > this.displayUs) this.displayUs = shown;
    }
    if (speed === MAX_SPEED || nowMs - this.lastRequestMs >= WORKER_FRAME_MS) void this.pump();
  }

  /** The simulated time the animation shows: the frame's time, or a little past it while playing. */
  displayUs = $state(0);
  private lastRequestMs = 0;

  private request(a: FrameAction): void {
    this.wanted = a;
    void this.pump();
  }

  /** Asks for a fresh frame without moving time (the selection or a filter changed). */
  refresh(): void {
    this.refreshWanted = true;
    void this.pump();
  }

  /** The speed playback runs at now: the chosen one, or slower while the workload's slow-motion moment lasts. */
  get effectiveSpeed(): number {
    if (this.tourSpeed !== null && this.stopAtUs !== null) return this.tourSpeed;
    const slow = this.slowMotion && this.frame?.slow != null && this.tour === null && this.speed !== MAX_SPEED;
    return slow ? Math.min(this.speed, SLOW_SPEED) : this.speed;
  }

  private playAction(): FrameAction {
    this.lastRequestMs = performance.now();
    if (this.effectiveSpeed === MAX_SPEED) return { kind: 'budget', wallMs: BUDGET_WALL_MS };
    return { kind: 'run', toUs: Math.floor(this.playheadUs) };
  }

  private logFilter(): LogFilter {
    // While playing, rows fly past faster than anyone reads them: a short log costs the page far less.
    return { nodes: this.logNode === null ? null : [this.logNode], kinds: this.logKinds === null ? null : [...this.logKinds], limit: this.playing ? LOG_LIMIT_PLAYING : LOG_LIMIT };
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (;;) {
        if (this.pendingOpen !== null) {
          const o = this.pendingOpen;
          this.pendingOpen = null;
          await this.client.live.open(o.spec);
          this.opened = true;
          this.openGen++;
          this.keyframes = null;
          this.watchKeyframes();
          this.seekStartedMs = performance.now();
          if (this.wanted === null) this.wanted = { kind: 'seek', toUs: o.toUs, wallMs: SEEK_SLICE_WALL_MS };
          continue;
        }
        if (!this.opened) break;
        const action = this.wanted ?? (this.playing ? this.playAction() : this.refreshWanted ? { kind: 'none' as const } : null);
        if (action === null) break;
        this.wanted = null;
        this.refreshWanted = false;
        const now = performance.now();
        const withLog = !this.playing || action.kind !== 'run' && action.kind !== 'budget' || now - this.logWrittenMs >= LOG_EVERY_MS;
        if (withLog) this.logWrittenMs = now;
        // A panel's own data is asked for only while its tab is open.
        const rag = this.tab === RETRIEVAL_PANEL ? { titles: this.ragTitles === null, ask: this.ragAsk } : null;
        const f = await this.client.live.frame({ action, selected: this.detailsNode, log: withLog ? this.logFilter() : null, rag });
        if (this.pendingOpen !== null) continue;
        this.applyFrame(f, action);
        if (f.seekingToUs !== null && this.wanted === null) this.wanted = { kind: 'seek', toUs: f.seekingToUs, wallMs: SEEK_SLICE_WALL_MS };
        if (this.playing && this.wanted === null && !this.refreshWanted) break;
      }
    } catch (e) {
      this.playing = false;
      this.notice = { tone: 'error', text: `The simulation stopped: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      this.busy = false;
    }
  }

  /** Asks the live worker how far its seek cache is, now and then, until it is complete. */
  private watchKeyframes(): void {
    if (this.keyframesPoll !== null) return;
    this.keyframesPoll = setTimeout(() => {
      this.keyframesPoll = null;
      const gen = this.openGen;
      this.client.live.keyframes().then((k) => {
        if (gen !== this.openGen) return;
        this.keyframes = k;
        if (k === null || !k.ready) this.watchKeyframes();
      }, () => {});
    }, KEYFRAMES_POLL_MS);
  }

  /** A full run to start once the first frame is on screen. */
  private summaryAfterFrame: SessionSpec | null = null;

  private applyFrame(f: Frame, action: FrameAction): void {
    if (this.frame === null) performance.mark('faultline:first-frame');
    if (this.summaryAfterFrame !== null) {
      const spec = this.summaryAfterFrame;
      this.summaryAfterFrame = null;
      this.summarize(spec);
    }
    if (f.log === null) f.log = this.lastLog;
    else this.lastLog = f.log;
    this.frame = f;
    if (f.rag !== null) {
      if (f.rag.titles !== null) this.ragTitles = f.rag.titles;
      this.ragView = f.rag;
    }
    this.frameCount++;
    this.lastWorkMs = f.workMs;
    if (action.kind === 'seek' && f.seekingToUs === null) this.lastSeekMs = performance.now() - this.seekStartedMs;
    // A newer seek still waiting keeps the page "seeking" until its own frame arrives.
    this.seekingToUs = this.wanted?.kind === 'seek' ? this.wanted.toUs : f.seekingToUs;
    if (f.seekingToUs === null && this.wanted?.kind !== 'seek') this.seekTargetUs = null;
    if (action.kind !== 'run') this.playheadUs = f.tUs;
    this.displayUs = action.kind === 'run' ? Math.max(this.displayUs, f.tUs) : f.tUs;
    if (this.playing && (f.tUs >= f.endUs || (this.stopAtUs !== null && f.tUs >= this.stopAtUs))) {
      this.playing = false;
      this.stopAtUs = null;
      this.tourSpeed = null;
      this.refreshWanted = true;
    }
    if (f.seekingToUs === null) this.writeUrl(!this.playing);
    if (action.kind === 'seek' && f.seekingToUs === null && this.wanted === null && this.afterSeek !== null) {
      const next = this.afterSeek;
      this.afterSeek = null;
      next();
    }
  }

  private address(tUs: Micros): string {
    return writeUrlState({ scenario: this.entryName, seed: this.seed, tUs, interventions: this.interventions });
  }

  /** Keeps the address on the moment on screen (one history entry: moving in time adds none). */
  private writeUrl(now: boolean): void {
    const wall = performance.now();
    if (!now && wall - this.urlWrittenMs < URL_EVERY_MS) return;
    if (this.frame === null || this.scenario === null) return;
    this.urlWrittenMs = wall;
    const search = this.address(this.frame.tUs);
    if (search !== location.search) history.replaceState(null, '', search);
    document.title = `faultline · ${this.entryName} · seed ${this.seed}`;
  }

  /** A new history entry for a change of scenario, seed or interventions, so Back returns to the one before. */
  private pushUrl(tUs: Micros): void {
    const search = this.address(tUs);
    if (search !== location.search) history.pushState(null, '', search);
  }

  // ---- interventions ----

  /**
   * Records an intervention made at the moment on screen; the run is replayed with it (a
   * fork, when the moment is in the past of what was watched). `untilUs` is when an
   * open-ended fault heals by itself.
   */
  intervene(change: (list: FaultSpec[], atUs: Micros, untilUs: Micros) => FaultSpec[]): void {
    const s = this.scenario;
    if (this.frame === null || s === null) return;
    const at = this.frame.tUs;
    const before = this.interventions.length;
    const next = change([...this.interventions], at, openUntilUs(s, at));
    this.remember();
    this.interventions = next;
    const added = next.length > before ? next[next.length - 1] : null;
    const endUs = sessionScenario(s, this.seed, next).duration;
    const longer = endUs > this.frame.endUs ? ` The run now lasts ${clockText(endUs)}, to leave ${clockText(s.liveness.within)} for the liveness check after the last fault heals.` : '';
    this.notice = { tone: 'info', undo: true, text: `${added !== null ? `Recorded at ${clockText(at)}: ${faultLabel(added)}.` : `Changed an intervention at ${clockText(at)}.`}${longer}` };
    this.reopen(at, true);
  }

  private remember(): void {
    this.undoStack = [...this.undoStack.slice(-(UNDO_MAX - 1)), $state.snapshot(this.interventions) as FaultSpec[]];
  }

  removeIntervention(index: number): void {
    this.remember();
    this.interventions = this.interventions.filter((_, i) => i !== index);
    this.reopen(this.frame?.tUs ?? 0, true);
  }

  /** Puts the interventions back as they were before the last change. */
  undo(): void {
    const prev = this.undoStack.at(-1);
    if (prev === undefined) return;
    this.undoStack = this.undoStack.slice(0, -1);
    this.interventions = prev;
    this.notice = { tone: 'info', text: `Undone: ${prev.length} intervention${prev.length === 1 ? '' : 's'} now.` };
    this.reopen(this.frame?.tUs ?? 0, true);
  }

  /** One of the session's telemetry files (computed by the summary worker), for a download. */
  async telemetryFile(kind: 'metrics' | 'traces' | 'logs'): Promise<{ fileName: string; text: string; type: string } | null> {
    const spec = this.spec;
    if (spec === null) return null;
    const files = await this.client.summary.telemetry($state.snapshot(spec) as SessionSpec);
    const base = `${spec.scenario.name}-seed${spec.seed}`;
    if (kind === 'metrics') return { fileName: `${base}.om`, text: files.metrics, type: 'application/openmetrics-text' };
    if (kind === 'traces') return { fileName: `${base}.otlp.json`, text: files.traces, type: 'application/json' };
    return { fileName: `${base}.jsonl`, text: files.logs, type: 'application/x-ndjson' };
  }

  exportSession(): { fileName: string; text: string } | null {
    const s = this.scenario;
    if (s === null) return null;
    this.savedKey = JSON.stringify(this.interventions);
    return { fileName: exportFileName(s), text: exportScenarioYaml(s, $state.snapshot(this.interventions) as FaultSpec[], this.seed) };
  }

  /** The nodes a violation involves: the node it names and any node its message mentions. */
  get violationNodes(): NodeId[] {
    const v = this.violationIndex === null ? undefined : this.summary?.violations[this.violationIndex];
    return v === undefined ? [] : violationNodes(v);
  }

  /** Opens violation `i` where it happened: the Session tab shows it, time moves to it, its nodes light up. */
  openViolation(i: number): void {
    const v = this.summary?.violations[i];
    if (v === undefined) return;
    this.violationIndex = i;
    this.tab = 'session';
    this.playing = false;
    const nodes = violationNodes(v);
    if (nodes.length > 0) this.logNode = null;
    this.seek(v.t);
  }

  closeViolation(): void {
    this.violationIndex = null;
  }

  // ---- selection and the log ----

  selectNode(id: NodeId | null): void {
    this.selectedNode = id;
    this.selectedLink = null;
    this.refresh();
  }

  selectLink(a: NodeId, b: NodeId): void {
    this.selectedLink = a < b ? [a, b] : [b, a];
    this.selectedNode = null;
    this.refresh();
  }

  /** Picks a message to read its fields; playback pauses so it stays on screen. */
  selectFlight(key: string | null): void {
    this.selectedFlight = key;
    if (key !== null) this.pause();
  }

  setLogNode(id: NodeId | null): void {
    this.logNode = id;
    this.refresh();
  }

  setLogKinds(kinds: string[] | null): void {
    this.logKinds = kinds;
    this.refresh();
  }

  // ---- the retrieval panel ----

  /** Shows a side-panel view; a view's own data comes with the next frame. */
  setTab(id: string): void {
    this.tab = id;
    this.refresh();
  }

  /** The node whose details the frames carry: the open view's own node, else the selected one. */
  get detailsNode(): NodeId | null {
    return this.panelNode !== null && this.panelNode.tab === this.tab ? this.panelNode.node : this.selectedNode;
  }

  /** Lets the view `tab` show node `node`'s details (from the next frame on) without selecting it. */
  showInPanel(tab: string, node: NodeId | null): void {
    const was = this.panelNode;
    if (was?.tab === tab && was.node === node) return;
    if (node === null && was?.tab !== tab) return;
    this.panelNode = node === null ? null : { tab, node };
    this.refresh();
  }

  /** Asks the question "document `doc`'s embedding" of the cache and every replica, at the moment on screen. */
  askRag(doc: number | null): void {
    this.ragAsk = doc;
    this.refresh();
  }

  // ---- tours ----

  /**
   * Starts a tour. A tour narrates one run (its scenario and seed, no interventions):
   * when that is not the run on screen, the page says so and asks before it switches.
   */
  startTour(t: Tour): void {
    this.playing = false;
    const begin = (): void => {
      this.tour = { tour: t, index: 0 };
      this.goToTourStep(0);
    };
    if (this.entryName === t.scenario && this.seed === t.seed && this.interventions.length === 0) { begin(); return; }
    const n = this.interventions.length;
    const changes = [
      this.entryName !== t.scenario ? `opens ${t.scenario}` : '',
      this.seed !== t.seed ? `switches from seed ${this.seed} to seed ${t.seed}` : '',
      n > 0 ? `sets your ${n} intervention${n === 1 ? '' : 's'} aside (Back in the browser brings ${n === 1 ? 'it' : 'them'} back)` : '',
    ].filter((x) => x !== '');
    const go = (): void => { this.switchTo(t.scenario, t.seed, 0); begin(); };
    this.question = {
      title: `Start the tour "${t.title}"?`,
      text: `The tour narrates seed ${t.seed} of ${t.scenario}. Starting it ${changes.join(', and ')}.`,
      choices: [
        ...(this.unsaved ? [{ label: 'Export, then start', run: () => { this.requestExport(); go(); } }] : []),
        { label: 'Start the tour', run: go, primary: true },
        { label: 'Cancel', run: () => {} },
      ],
    };
  }

  /**
   * Goes to a tour step: travels to its start and, when the step spans time (`until`),
   * plays it at the step's speed and stops at its end, so the narration runs with the
   * animation. With reduced motion the step jumps to its end instead of playing.
   */
  goToTourStep(i: number): void {
    if (this.tour === null) return;
    const steps = this.tour.tour.steps;
    const index = Math.max(0, Math.min(steps.length - 1, i));
    this.tour = { tour: this.tour.tour, index };
    const step = steps[index];
    this.playing = false;
    this.tourSpeed = null;
    if (step.node !== undefined) this.selectNode(step.node);
    else this.selectNode(null);
    if (step.tab !== undefined) this.tab = step.tab;
    const from = parseDuration(step.t) ?? 0;
    const until = step.until === undefined ? null : parseDuration(step.until);
    if (until === null || until <= from) {
      this.seek(from);
      return;
    }
    if (this.reducedMotion) {
      this.seek(until);
      return;
    }
    this.seek(from);
    this.afterSeek = () => {
      this.tourSpeed = step.speed ?? DEFAULT_TOUR_SPEED;
      this.stopAtUs = until;
      this.play();
    };
  }

  /** Plays the current tour step again from its start. */
  replayTourStep(): void {
    if (this.tour !== null) this.goToTourStep(this.tour.index);
  }

  endTour(): void {
    this.tour = null;
    this.tourSpeed = null;
    this.stopAtUs = null;
  }

  /** The page honours prefers-reduced-motion (set by the app from the media query). */
  reducedMotion = false;
  /** The speed a tour step plays at, while it plays. */
  tourSpeed = $state<number | null>(null);
  /** What to do once the seek under way has finished (a tour step starts playing). */
  private afterSeek: (() => void) | null = null;
}
