#!/usr/bin/env node
// `npm run bench`: runs every benchmark module in bench/ in one process and prints one JSON
// object. `npm run bench -- kernel` runs only the named modules.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const wanted = process.argv.slice(2);
const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3)).sort();
const unknown = wanted.filter((w) => !modules.includes(w));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown module(s) ${unknown.join(', ')}; known: ${modules.join(', ')}\n`);
  process.exit(2);
}
const results = { node: process.version, date: new Date().toISOString() };
for (const name of wanted.length > 0 ? wanted : modules) {
  if (process.stderr.isTTY) process.stderr.write(`bench: ${name}...\n`);
  const mod = await import(join(dir, `${name}.ts`));
  try {
    results[name] = await mod.run();
  } catch (e) {
    // A refusal of the benchmark's input (bench/support/benchInputError.ts) is the user's to
    // fix: its message, exit 2. It was Node's stack of the throw, exit 1.
    if (e?.name !== 'BenchInputError') throw e;
    process.stderr.write(`bench: ${name}: ${e.message}\n`);
    process.exit(2);
  }
}
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
