// Output files that appear whole or not at all: written to a temporary file beside the
// target, renamed over it at the end, removed if the command fails or is interrupted.
//
// Contract: `open` checks the path is writable and, if it exists, a regular file (or a
// symbolic link to one, which is written through: the file it names gets the content and
// the link stays) before anything runs (a bad path is a UsageError naming the flag:
// exit code 2, no file left behind); `commit` renames; any
// file not committed is removed by `discard`. Appending streams through a buffered
// descriptor, so a long run's log does not have to fit in memory.
import { closeSync, existsSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './args.ts';
import { brokenLink } from './missingFile.ts';

const FLUSH_CHARS = 1 << 20;

function reasonOf(e: unknown, flag: string): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return `its directory does not exist (no directory is created for ${flag}): create it first, or give a path in an existing directory`;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}

export class PendingFile {
  private fd: number | null;
  private buffer = '';
  private done = false;

  private constructor(readonly flag: string, readonly path: string, private readonly temp: string) {
    this.fd = openSync(temp, 'w');
  }

  /** Opens a temporary file beside `path` (relative to `cwd`); a UsageError if it cannot. */
  static open(flag: string, path: string, cwd: string): PendingFile {
    if (path === '') throw new UsageError(`${flag}: expected a file path`);
    const given = resolve(cwd, path);
    // A symbolic link is written through, as a shell's > does: the rename at commit would
    // otherwise put a regular file in place of the link, and the file it names would keep
    // its old content. One that loops or names nothing is refused (the file would be made
    // at wherever it points).
    const link = brokenLink(given);
    if (link !== null) throw new UsageError(`${flag} ${path}: is a symbolic link ${link}: point it at a file, or give ${flag} another path`);
    const abs = existsSync(given) ? realpathSync(given) : given;
    if (existsSync(abs) && statSync(abs).isDirectory()) throw new UsageError(`${flag}: ${path} is a directory; give a file path`);
    // The rename at commit put a regular file in place of a device or a FIFO (as root,
    // `--metrics-out /dev/null` would replace /dev/null for the whole machine).
    if (existsSync(abs) && !statSync(abs).isFile()) throw new UsageError(`${flag} ${path}: exists and is not a regular file (a device, a FIFO or a socket); the file is written whole and renamed into place, which would replace it: name a regular file, or leave ${flag} out`);
    const temp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
    try {
      return new PendingFile(flag, abs, temp);
    } catch (e) {
      throw new UsageError(`${flag}: cannot write ${path}: ${reasonOf(e, flag)}`);
    }
  }

  /** Appends text (buffered). */
  append(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.fd === null || this.buffer === '') return;
    writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  /** Writes `text` (after anything appended) and moves the file into place. */
  commit(text: string | Uint8Array = ''): void {
    if (typeof text === 'string') this.append(text);
    this.flush();
    if (typeof text !== 'string' && this.fd !== null) {
      for (let at = 0; at < text.length; ) at += writeSync(this.fd, text, at, text.length - at);
    }
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    renameSync(this.temp, this.path);
    this.done = true;
  }

  /** Removes the temporary file unless it was committed. Safe to call twice. */
  discard(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (!this.done) rmSync(this.temp, { force: true });
    this.done = true;
  }
}
