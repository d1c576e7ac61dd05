// Output paths are checked before any work starts.
//
// Contract: prepareOutDir and prepareOutFile either make the place ready to write (the
// directory exists and a probe file could be created and removed there) or throw a
// UsageError naming the flag, the path and the reason, so the command exits 2 before it
// runs anything. They never use Node's recursive mkdir, which spins forever on some
// pseudo-filesystems (`mkdir -p /proc/x`): they walk up to the first existing ancestor
// (at most PATH_DEPTH_MAX steps), check it is a writable directory on a real filesystem,
// and create the missing directories one at a time.
import { accessSync, closeSync, constants, mkdirSync, openSync, realpathSync, rmdirSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { brokenLink } from './missingFile.ts';
import { formatCount } from '../sim/kernel/time.ts';
import { TRACE_RETAINED_MAX } from '../sim/trace/trace.ts';
import { UsageError } from './args.ts';

/** More directory levels than any real path has; bounds the walk up. */
const PATH_DEPTH_MAX = 4096;
/** Kernel pseudo-filesystems that look like directories but hold no files of ours. */
const PSEUDO_ROOTS = ['/proc', '/sys'];
/** statfs magic numbers of the same (procfs, sysfs), for paths that reach them by a link. */
const PSEUDO_FS_TYPES = new Set([0x9fa0, 0x62656572]);

function refuse(flag: string, path: string, why: string): never {
  throw new UsageError(`${flag} ${path}: ${why}`);
}

function underPseudoRoot(abs: string): string | null {
  return PSEUDO_ROOTS.find((r) => abs === r || abs.startsWith(`${r}/`)) ?? null;
}

function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === undefined ? String(err.message) : `${err.code} (${err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')})`;
}

type Probe = { kind: 'missing' } | { kind: 'dir' } | { kind: 'file' } | { kind: 'other' } | { kind: 'error'; e: unknown };

function probe(p: string): Probe {
  try {
    const st = statSync(p);
    return st.isDirectory() ? { kind: 'dir' } : st.isFile() ? { kind: 'file' } : { kind: 'other' };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: some ancestor is a file; keep walking up to find and name it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'error', e };
  }
}

/** The nearest existing ancestor of `abs` (or abs itself) and the names below it, top first. */
function existingAncestor(abs: string, flag: string, shown: string): { dir: string; missing: string[] } {
  const missing: string[] = [];
  let p = abs;
  for (let depth = 0; depth < PATH_DEPTH_MAX; depth++) {
    // A link that loops read as an error, and one that names nothing as missing, which
    // mkdir then found taken (EEXIST).
    const link = brokenLink(p);
    if (link !== null) refuse(flag, shown, `${p} is a symbolic link ${link}: point it at a directory, or give ${flag} another path`);
    const st = probe(p);
    if (st.kind === 'dir') return { dir: p, missing };
    if (st.kind === 'file' || st.kind === 'other') {
      refuse(flag, shown, `${p} is ${st.kind === 'file' ? 'a file' : 'not a directory'}, so ${p === abs ? `it cannot be used as a directory: give ${flag} a directory (it is created if missing), or move the file away` : `nothing can be created under it: give ${flag} a path whose parents are directories`}`);
    }
    if (st.kind === 'error') refuse(flag, shown, `cannot look at ${p}: ${errorText(st.e)}`);
    const parent = dirname(p);
    if (parent === p) refuse(flag, shown, 'no part of the path exists');
    missing.unshift(basename(p));
    p = parent;
  }
  return refuse(flag, shown, `the path is deeper than ${PATH_DEPTH_MAX} levels`);
}

function checkRealFilesystem(dir: string, flag: string, shown: string): void {
  const real = realpathSync(dir);
  const root = underPseudoRoot(real);
  if (root !== null) refuse(flag, shown, `${root} is a kernel pseudo-filesystem; choose a directory on a real disk`);
  let type: number | undefined;
  try {
    type = statfsSync(real).type;
  } catch {
    type = undefined;
  }
  if (type !== undefined && PSEUDO_FS_TYPES.has(type)) refuse(flag, shown, `${real} is on a kernel pseudo-filesystem; choose a directory on a real disk`);
}

/**
 * Makes `dir` (and its missing parents) ready for writing, or throws a UsageError. Returns
 * an undo: it removes the directories this call created, deepest first, as long as they
 * are still empty, for a command that fails after preparing its output (no partial output).
 * `files` are the names the command writes in `dir`: one that is already there must be a
 * regular file (a FIFO there held the command forever at its first write, after the whole
 * run; a directory failed with a stack).
 */
export function prepareOutDir(dir: string, flag: string, files: readonly string[] = []): () => void {
  const undo = prepareDir(resolve(dir), flag, dir);
  for (const name of files) {
    const st = probe(join(resolve(dir), name));
    if (st.kind === 'missing' || st.kind === 'file') continue;
    undo();
    const what = st.kind === 'dir' ? 'is a directory' : st.kind === 'other' ? 'exists and is not a regular file (a device, a FIFO or a socket)' : `cannot be looked at: ${errorText(st.e)}`;
    refuse(flag, dir, `${join(dir, name)} ${what}, and the command writes a file of that name there: remove it, or give ${flag} another directory`);
  }
  return undo;
}

function undoCreated(created: readonly string[]): () => void {
  return () => {
    for (let i = created.length - 1; i >= 0; i--) {
      try {
        rmdirSync(created[i]);
      } catch {
        return; // Not empty (something was written) or already gone: leave it and its parents.
      }
    }
  };
}

/** prepareOutDir for `abs`, naming the path as the user gave it (`dir`) in messages. */
function prepareDir(abs: string, flag: string, dir: string): () => void {
  const root = underPseudoRoot(abs);
  if (root !== null) refuse(flag, dir, `${root} is a kernel pseudo-filesystem; choose a directory on a real disk`);
  const { dir: ancestor, missing } = existingAncestor(abs, flag, dir);
  checkRealFilesystem(ancestor, flag, dir);
  try {
    accessSync(ancestor, constants.W_OK | constants.X_OK);
  } catch {
    refuse(flag, dir, `${ancestor} is not writable`);
  }
  let p = ancestor;
  const created: string[] = [];
  for (const name of missing) {
    p = join(p, name);
    try {
      mkdirSync(p);
      created.push(p);
    } catch (e) {
      undoCreated(created)();
      refuse(flag, dir, `cannot create ${p}: ${errorText(e)}`);
    }
  }
  const probeFile = join(abs, `.faultline-write-probe-${process.pid}`);
  try {
    const fd = openSync(probeFile, 'wx');
    try {
      writeSync(fd, 'probe\n');
    } finally {
      closeSync(fd);
    }
    unlinkSync(probeFile);
  } catch (e) {
    undoCreated(created)();
    refuse(flag, dir, `cannot write a file there: ${errorText(e)}`);
  }
  return undoCreated(created);
}

/**
 * Makes the directory of `file` ready and checks `file` itself can be (over)written, or
 * throws. Returns an undo for the directories it created (see prepareOutDir).
 */
export function prepareOutFile(file: string, flag: string): () => void {
  // Written through a symbolic link that names nothing, the file would be made wherever it
  // points (as root, anywhere); one that loops cannot be written at all.
  const link = brokenLink(resolve(file));
  if (link !== null) refuse(flag, file, `is a symbolic link ${link}: point it at a file, or give ${flag} another path`);
  const undo = prepareDir(dirname(resolve(file)), flag, file);
  try {
    const st = probe(resolve(file));
    if (st.kind === 'dir') refuse(flag, file, 'is a directory; name a file');
    if (st.kind === 'other') refuse(flag, file, 'exists and is not a regular file');
    if (st.kind === 'error') refuse(flag, file, `cannot look at it: ${errorText(st.e)}`);
    if (st.kind === 'file') {
      try {
        accessSync(file, constants.W_OK);
      } catch {
        refuse(flag, file, 'exists and is not writable');
      }
    }
  } catch (e) {
    undo();
    throw e;
  }
  return undo;
}

/** Characters of JSONL gathered before one write: well under V8's longest string. */
const JSONL_CHUNK_CHARS = 8 << 20;

/**
 * Writes `rows` as JSONL (one JSON value per line, in order) in chunks. One string of the whole
 * file overflows V8's longest string (about 512 MiB) for a run of a few million events,
 * and the command crashed after the run with half its output written.
 */
export function writeJsonlFile(file: string, rows: Iterable<unknown>): void {
  const fd = openSync(file, 'w');
  try {
    let chunk = '';
    for (const r of rows) {
      chunk += JSON.stringify(r) + '\n';
      if (chunk.length >= JSONL_CHUNK_CHARS) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk !== '') writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/**
 * What a trace file lacks when the run traced more events than memory keeps (Trace keeps
 * the first TRACE_RETAINED_MAX): a line to print, or null when the file holds them all.
 */
export function traceCutNote(file: string, kept: number, traced: number): string | null {
  if (kept >= traced) return null;
  return `faultline: ${file} holds the first ${formatCount(kept)} of the run's ${formatCount(traced)} trace events: at most ${formatCount(TRACE_RETAINED_MAX)} are kept in memory, so the last ${formatCount(traced - kept)} are not in it (a shorter run, or a lower --events-max, writes a whole trace)\n`;
}

/**
 * A path compared as the file system sees it: its real path if it exists (a symbolic link
 * to a file is that file, which an output writes through), else the directory's real path
 * (if it exists) and the name.
 */
function canonicalPath(path: string, cwd: string): string {
  const abs = resolve(cwd, path);
  try {
    return realpathSync(abs);
  } catch {
    // Not there yet (or a link that names nothing): its directory, as it will be.
  }
  try {
    return join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
}

/**
 * Refuses files of one command that are the same file: two outputs (one would silently
 * overwrite the other, or both fail at the end, after the run), or an output over an input
 * the command reads. `input` files may be shared with the outputs named in `mayUpdate`
 * (run --knowledge K --save-knowledge K updates K on purpose).
 */
export function refuseSharedPaths(files: readonly { flag: string; path: string | undefined; input?: boolean; mayUpdate?: string }[], cwd: string): void {
  const seen: { flag: string; path: string; canon: string; input: boolean; mayUpdate?: string }[] = [];
  for (const f of files) {
    if (f.path === undefined) continue;
    const canon = canonicalPath(f.path, cwd);
    for (const s of seen) {
      if (s.canon !== canon || (s.input && f.input === true)) continue;
      const [inp, out] = s.input ? [s, f] : [f, s];
      if ((inp.input ?? false) && inp.mayUpdate === out.flag) continue;
      const both = `${s.flag} ${s.path} and ${f.flag} ${f.path}`;
      throw new UsageError(inp.input === true
        ? `${out.flag} ${out.path}: is the file ${inp.flag} reads (${canon}); writing ${out.flag} would overwrite it: give ${out.flag} another path`
        : `${both} are the same file (${canon}): one would overwrite the other; give each output its own path`);
    }
    seen.push({ flag: f.flag, path: f.path, canon, input: f.input ?? false, mayUpdate: f.mayUpdate });
  }
}
