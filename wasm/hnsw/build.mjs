#!/usr/bin/env node
// Builds wasm/hnsw/hnsw.wasm from hnswlib (vendored, Apache-2.0) and our wrapper with
// Debian's clang for wasm32-wasi and WebAssembly SIMD, and records its provenance.
//
// Usage: npm run build:wasm            build, write hnsw.wasm and hnsw.provenance.json
//        node wasm/hnsw/build.mjs --out DIR   build into DIR only (the rebuild test)
//        node wasm/hnsw/build.mjs --inputs    print the inputs' digest and exit
//
// Toolchain (Debian 12): apt-get install -y clang lld wasi-libc libc++-dev-wasm32
// libclang-rt-dev-wasm32. `npm install` never runs this: the .wasm is committed, and
// test/wasm/provenance.test.ts checks that it matches these sources.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

export const CLANG = 'clang++';
export const FLAGS = [
  '--target=wasm32-wasi', '-O3', '-msimd128', '-fno-exceptions', '-fno-rtti', '-std=c++17',
  '-DNO_MANUAL_VECTORIZATION', '-mexec-model=reactor',
  '-Wl,--strip-all', '-Wl,-z,stack-size=1048576', '-Wl,--gc-sections',
];

/** The files the binary is made from, sorted: vendored hnswlib, our sources, this script. */
export function inputFiles() {
  const list = (dir) => readdirSync(join(here, dir)).sort().map((f) => join(dir, f));
  return [...list('vendor/hnswlib'), ...list('src'), 'build.mjs'];
}

/** sha256 over each input's path and content, in order. */
export function inputsDigest() {
  const h = createHash('sha256');
  for (const f of inputFiles()) {
    h.update(`${f}\n`);
    h.update(readFileSync(join(here, f)));
    h.update('\n');
  }
  return h.digest('hex');
}

export function clangVersion() {
  return execFileSync(CLANG, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
}

/** hnswlib throws std::runtime_error; without exceptions each throw becomes a recorded trap. */
function patchThrows(text) {
  return text.replaceAll('throw std::runtime_error(', 'HNSWLIB_WASM_FAIL(');
}

/** Compiles into `outDir/hnsw.wasm` and returns its bytes. */
export function build(outDir) {
  const work = join(tmpdir(), 'faultline-hnsw-build');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'hnswlib'), { recursive: true });
  for (const f of readdirSync(join(here, 'vendor/hnswlib'))) {
    if (!f.endsWith('.h')) continue;
    writeFileSync(join(work, 'hnswlib', f), patchThrows(readFileSync(join(here, 'vendor/hnswlib', f), 'utf8')));
  }
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, 'hnsw.wasm');
  execFileSync(CLANG, [
    ...FLAGS, '-include', join(here, 'src', 'compat.h'), '-I', join(work, 'hnswlib'),
    join(here, 'src', 'hnswWasm.cpp'), '-o', out,
  ], { stdio: 'inherit' });
  rmSync(work, { recursive: true, force: true });
  return readFileSync(out);
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

function main(argv) {
  if (argv.includes('--inputs')) {
    console.log(inputsDigest());
    return;
  }
  const outAt = argv.indexOf('--out');
  if (outAt >= 0) {
    build(argv[outAt + 1]);
    return;
  }
  const bytes = build(here);
  const provenance = {
    artifact: 'wasm/hnsw/hnsw.wasm',
    sha256: sha256(bytes),
    bytes: bytes.length,
    inputs: inputFiles(),
    inputsSha256: inputsDigest(),
    compiler: clangVersion(),
    flags: FLAGS,
    hnswlib: 'vendored from hnswlib-node 3.0.0 (src/hnswlib), nmslib/hnswlib, Apache-2.0: see vendor/hnswlib/LICENSE',
  };
  writeFileSync(join(here, 'hnsw.provenance.json'), `${JSON.stringify(provenance, null, 2)}\n`);
  console.log(`wrote ${relative(repo, join(here, 'hnsw.wasm'))} (${bytes.length} bytes, sha256 ${provenance.sha256.slice(0, 16)}…)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
