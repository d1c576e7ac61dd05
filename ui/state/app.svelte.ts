// The page's state and the one place that talks to the simulation workers.
//
// Contract: the live worker gets at most one request at a time; a request made while one
// is in flight waits, and a newer seek replaces an older one (latest wins), so scrubbing
// never queues a backlog of replays. A change of scenario, seed or interventions reopens
// the live session at the current moment and starts a new full-run summary; replies from
// an older session are dropped. Wall-clock time is read here only to pace playback.
import type { Micros, NodeId } from '../../core/env.ts';
import { parseDuration } from '../../sim/scenario/duration.ts';
import type { FaultSpec, Scenario } from '../../sim/scenario/schema.ts';
import { bundledCatalogue, entryOf, type CatalogueEntry } from '../lib/catalogue.ts';
import { exportFileName, exportScenarioYaml } from '../lib/exportScenario.ts';
import { faultLabel } from '../lib/faultText.ts';
import { openUntilUs, sessionScenario } from '../lib/sessionScenario.ts';
import { clockText } from '../lib/format.ts';
import { readUrlState, writeUrlState } from '../lib/urlState.ts';
import type { Frame, FrameAction, LogFilter, RagView, SessionSpec, Summary } from '../sim/protocol.ts';
import { TOURS } from '../tours/index.ts';
import type { Tour } from '../tours/types.ts';
import type { SimClient } from './simClient.ts';
import { BUDGET_WALL_MS, DEFAULT_SPEED_INDEX, MAX_SPEED, SPEEDS } from './speeds.ts';

export const DEFAULT_SCENARIO = 'heartbeat-crash';
export const LOG_LIMIT = 250;
/** Playback never advances more than this much wall time per frame (a stalled tab resumes gently). */
const WALL_STEP_MS_MAX = 100;
const URL_EVERY_MS = 1_000;
/** While playing, the event log is refreshed this often (rebuilding it every frame costs frames). */
const LOG_EVERY_MS = 250;

export interface Notice {
  text: string;
  tone: 'info' | 'error';
}

export class AppState {
  catalogue = $state.raw<CatalogueEntry[]>(bundledCatalogue());
  entryName = $state(DEFAULT_SCENARIO);
  seed = $state(1);
  interventions = $state.raw<FaultSpec[]>([]);
  frame = $state.raw<Frame | null>(null);
  summary = $state.raw<Summary | null>(null);
  summaryBusy = $state(false);
  playing = $state(false);
  speedIndex = $state(DEFAULT_SPEED_INDEX);
  selectedNode = $state<NodeId | null>(null);
  selectedLink = $state.raw<[NodeId, NodeId] | null>(null);
  logNode = $state<NodeId | null>(null);
  logKinds = $state.raw<string[] | null>(null);
  notice = $state.raw<Notice | null>(null);
  tour = $state.raw<{ tour: Tour; index: number } | null>(null);
  framesPerSecond = $state(0);
  lastWorkMs = $state(0);
  lastSeekMs = $state(0);
  /** The retrieval panel (rag sessions): open or not, its question, the corpus titles, the last view. */
  ragOpen = $state(false);
  ragAsk = $state<number | null>(null);
  ragTitles = $state.raw<string[] | null>(null);
  ragView = $state.raw<RagView | null>(null);

  private busy = false;
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
    const u = readUrlState(search);
    const problems = [...u.problems];
    if (u.scenario !== undefined) {
      if (this.catalogue.some((e) => e.name === u.scenario)) this.entryName = u.scenario;
      else problems.push(`scenario "${u.scenario}" is not in the catalogue; showing ${DEFAULT_SCENARIO}`);
    }
    if (u.seed !== undefined) this.seed = u.seed;
    if (u.interventions !== undefined) this.interventions = u.interventions;
    if (problems.length > 0) this.notice = { tone: 'error', text: `This link has problems: ${problems.join('; ')}.` };
    this.reopen(u.tUs ?? 0);
  }

  chooseScenario(name: string): void {
    if (name === this.entryName) return;
    this.entryName = name;
    this.interventions = [];
    this.selectedNode = null;
    this.selectedLink = null;
    this.logNode = null;
    this.playing = false;
    this.reopen(0);
  }

  chooseSeed(seed: number): void {
    if (!(Number.isSafeInteger(seed) && seed >= 0) || seed === this.seed) return;
    this.seed = seed;
    this.reopen(this.frame?.tUs ?? 0);
  }

  upload(fileName: string, text: string): void {
    const e = entryOf(fileName, text, true);
    if (e.scenario === null) {
      this.notice = { tone: 'error', text: `${fileName} is not a valid scenario: ${e.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}` };
      return;
    }
    this.catalogue = [...this.catalogue.filter((x) => x.name !== e.name), e];
    this.notice = { tone: 'info', text: `Loaded ${fileName}.` };
    this.entryName = '';
    this.chooseScenario(e.name);
  }

  /** Rebuilds the live world for the current spec at `toUs` and recomputes the full run. */
  private reopen(toUs: Micros): void {
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
    this.summarize(plain);
    void this.pump();
  }

  private summarize(spec: SessionSpec): void {
    const gen = ++this.summaryGen;
    this.summaryBusy = true;
    this.client.summary.summarize(spec).then((s) => {
      if (gen !== this.summaryGen) return;
      this.summary = s;
      this.summaryBusy = false;
    }, (e: unknown) => {
      if (gen !== this.summaryGen) return;
      this.summaryBusy = false;
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
    this.playing = false;
    this.writeUrl(true);
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  step(): void {
    this.playing = false;
    this.request({ kind: 'step' });
  }

  seek(toUs: Micros): void {
    const end = this.frame?.endUs ?? this.scenario?.duration ?? 0;
    this.seekStartedMs = performance.now();
    this.request({ kind: 'seek', toUs: Math.max(0, Math.min(end, Math.round(toUs))) });
  }

  seekBy(deltaUs: Micros): void {
    this.seek((this.frame?.tUs ?? 0) + deltaUs);
  }

  setSpeedIndex(i: number): void {
    this.speedIndex = Math.max(0, Math.min(SPEEDS.length - 1, i));
    this.playheadUs = this.frame?.tUs ?? 0;
  }

  /** Called on every animation frame. */
  tick(nowMs: number): void {
    if (nowMs - this.frameCountSinceMs >= 1_000) {
      this.framesPerSecond = Math.round((this.frameCount * 1_000) / (nowMs - this.frameCountSinceMs));
      this.frameCount = 0;
      this.frameCountSinceMs = nowMs;
    }
    if (this.playing) void this.pump();
  }

  private request(a: FrameAction): void {
    this.wanted = a;
    void this.pump();
  }

  /** Asks for a fresh frame without moving time (the selection or a filter changed). */
  refresh(): void {
    this.refreshWanted = true;
    void this.pump();
  }

  private playAction(): FrameAction {
    const now = performance.now();
    const dt = Math.min(WALL_STEP_MS_MAX, Math.max(0, now - this.lastPlayWallMs));
    this.lastPlayWallMs = now;
    if (this.speed === MAX_SPEED) return { kind: 'budget', wallMs: BUDGET_WALL_MS };
    this.playheadUs += dt * this.speed * 1_000;
    return { kind: 'run', toUs: Math.floor(this.playheadUs) };
  }

  private logFilter(): LogFilter {
    return { nodes: this.logNode === null ? null : [this.logNode], kinds: this.logKinds === null ? null : [...this.logKinds], limit: LOG_LIMIT };
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
          this.seekStartedMs = performance.now();
          if (this.wanted === null) this.wanted = { kind: 'seek', toUs: o.toUs };
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
        const rag = this.ragOpen && this.scenario?.workload === 'rag' ? { titles: this.ragTitles === null, ask: this.ragAsk } : null;
        const f = await this.client.live.frame({ action, selected: this.selectedNode, log: withLog ? this.logFilter() : null, rag });
        if (this.pendingOpen !== null) continue;
        this.applyFrame(f, action);
        if (this.playing && this.wanted === null && !this.refreshWanted) break;
      }
    } catch (e) {
      this.playing = false;
      this.notice = { tone: 'error', text: `The simulation stopped: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      this.busy = false;
    }
  }

  private applyFrame(f: Frame, action: FrameAction): void {
    if (f.log === null) f.log = this.lastLog;
    else this.lastLog = f.log;
    this.frame = f;
    if (f.rag !== null) {
      if (f.rag.titles !== null) this.ragTitles = f.rag.titles;
      this.ragView = f.rag;
    }
    this.frameCount++;
    this.lastWorkMs = f.workMs;
    if (action.kind === 'seek') this.lastSeekMs = performance.now() - this.seekStartedMs;
    if (action.kind !== 'run') this.playheadUs = f.tUs;
    if (this.playing && f.tUs >= f.endUs) this.playing = false;
    this.writeUrl(!this.playing);
  }

  private writeUrl(now: boolean): void {
    const wall = performance.now();
    if (!now && wall - this.urlWrittenMs < URL_EVERY_MS) return;
    if (this.frame === null || this.scenario === null) return;
    this.urlWrittenMs = wall;
    const search = writeUrlState({ scenario: this.entryName, seed: this.seed, tUs: this.frame.tUs, interventions: this.interventions });
    if (search !== location.search) history.replaceState(null, '', search);
    document.title = `faultline · ${this.entryName} · seed ${this.seed}`;
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
    this.interventions = next;
    const added = next.length > before ? next[next.length - 1] : null;
    const endUs = sessionScenario(s, this.seed, next).duration;
    const longer = endUs > this.frame.endUs ? ` The run now lasts ${clockText(endUs)}, to leave ${clockText(s.liveness.within)} for the liveness check after the last fault heals.` : '';
    this.notice = { tone: 'info', text: `${added !== null ? `Recorded at ${clockText(at)}: ${faultLabel(added)}.` : `Changed an intervention at ${clockText(at)}.`}${longer}` };
    this.reopen(at);
  }

  removeIntervention(index: number): void {
    this.interventions = this.interventions.filter((_, i) => i !== index);
    this.reopen(this.frame?.tUs ?? 0);
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
    return { fileName: exportFileName(s), text: exportScenarioYaml(s, $state.snapshot(this.interventions) as FaultSpec[], this.seed) };
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

  setLogNode(id: NodeId | null): void {
    this.logNode = id;
    this.refresh();
  }

  setLogKinds(kinds: string[] | null): void {
    this.logKinds = kinds;
    this.refresh();
  }

  // ---- the retrieval panel ----

  setRagOpen(open: boolean): void {
    this.ragOpen = open;
    this.refresh();
  }

  /** Asks the question "document `doc`'s embedding" of the cache and every replica, at the moment on screen. */
  askRag(doc: number | null): void {
    this.ragAsk = doc;
    this.refresh();
  }

  // ---- tours ----

  toursForScenario(): Tour[] {
    return TOURS.filter((t) => t.scenario === this.entryName);
  }

  startTour(t: Tour): void {
    this.playing = false;
    if (this.entryName !== t.scenario) this.chooseScenario(t.scenario);
    if (this.seed !== t.seed || this.interventions.length > 0) {
      this.seed = t.seed;
      this.interventions = [];
      this.reopen(0);
    }
    this.tour = { tour: t, index: 0 };
    this.goToTourStep(0);
  }

  goToTourStep(i: number): void {
    if (this.tour === null) return;
    const steps = this.tour.tour.steps;
    const index = Math.max(0, Math.min(steps.length - 1, i));
    this.tour = { tour: this.tour.tour, index };
    const step = steps[index];
    this.playing = false;
    if (step.node !== undefined) this.selectNode(step.node);
    this.seek(parseDuration(step.t) ?? 0);
  }

  endTour(): void {
    this.tour = null;
  }
}
