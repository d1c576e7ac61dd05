// Goal: the committed wasm/hnsw/hnsw.wasm is the binary its sources build, so `npm install`
// needs no compiler and nobody has to trust an opaque file. Method: the provenance record
// (written by `npm run build:wasm`) must name the committed binary's sha256 and size, and
// the digest of today's inputs (vendored hnswlib, our wrapper, the build script); an input
// edited without a rebuild fails here. The binary is also rebuilt with the toolchain the
// record names (Debian's clang with the wasm32-wasi sysroot, which .ci/run installs) and
// compared byte for byte; without that toolchain the test fails and says what to install.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { build, clangVersion, inputFiles, inputsDigest } from '../../wasm/hnsw/build.mjs';

const dir = new URL('../../wasm/hnsw/', import.meta.url);
const provenance = JSON.parse(readFileSync(new URL('hnsw.provenance.json', dir), 'utf8')) as {
  sha256: string; bytes: number; inputs: string[]; inputsSha256: string; compiler: string;
};
const binary = readFileSync(new URL('hnsw.wasm', dir));

const TOOLCHAIN = 'apt-get install -y clang lld wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32 (.ci/run installs it)';

/** Why the rebuild cannot run here, or null when the toolchain the record names is present. */
function toolchainMissing(): string | null {
  try {
    execFileSync('clang++', ['--version'], { stdio: 'ignore' });
  } catch {
    return `clang++ is missing: ${TOOLCHAIN}`;
  }
  if (!existsSync('/usr/lib/wasm32-wasi/libc++.a')) return `the wasm32-wasi sysroot is missing: ${TOOLCHAIN}`;
  const version = clangVersion() as string;
  return version === provenance.compiler ? null : `the record was built with ${provenance.compiler}, this machine has ${version}`;
}

describe('hnsw.wasm provenance', () => {
  it('the committed binary is the one the record names', () => {
    expect(binary.length).toBe(provenance.bytes);
    expect(createHash('sha256').update(binary).digest('hex')).toBe(provenance.sha256);
  });

  it('the record was made from today\'s sources (rebuild with `npm run build:wasm` after editing them)', () => {
    expect(provenance.inputs).toEqual(inputFiles());
    expect(inputsDigest()).toBe(provenance.inputsSha256);
    expect(provenance.inputs).toContain('vendor/hnswlib/LICENSE');
  });

  it('rebuilding from the sources gives the same bytes', () => {
    // A check that could not run must not pass: without the toolchain this fails with the install command.
    const missing = toolchainMissing();
    if (missing !== null) throw new Error(`cannot rebuild hnsw.wasm: ${missing}`);
    const out = mkdtempSync(join(tmpdir(), 'hnsw-rebuild-'));
    try {
      const rebuilt = build(out) as Uint8Array;
      expect(Buffer.compare(Buffer.from(rebuilt), binary)).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
