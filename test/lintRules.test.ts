// Goal: the determinism ban list holds in core/ and sim/: engine-dependent Math functions
// (log, exp, pow, cos, ... and the ** operator), Math.random and the wall clock are
// refused there, while the portable replacements and tests are allowed. Method: lint small
// snippets with the project's own ESLint configuration under paths in each folder.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function messages(code: string, filePath: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  return r.messages.map((m) => m.message);
}

describe('lint: determinism ban list', () => {
  it.each(['sim/kernel/probe.ts', 'core/kv/probe.ts'])('refuses engine-dependent math in %s', async (file) => {
    for (const code of ['export const a = Math.log(2);', 'export const a = Math.cos(1);', 'export const a = Math.pow(2, 0.5);', 'export const a = Math.exp(1);', 'export const a = Math.hypot(3, 4);', 'export const a = 2 ** 0.5;', 'let a = 2; a **= 3; export { a };']) {
      const m = await messages(code, file);
      expect(m.join('\n'), code).toMatch(/portableMath/);
    }
    expect((await messages('export const a = Math.random();', file)).join()).toMatch(/seeded stream/);
  });

  it('allows the portable replacements and exact Math functions, and tests', async () => {
    const code = "import { ln, cosTurns } from '../../core/math/portableMath.ts';\nexport const a = ln(2) + cosTurns(0.1) + Math.sqrt(2) + Math.floor(1.5) + Math.imul(3, 5);\n";
    expect(await messages(code, 'sim/kernel/probe.ts')).toEqual([]);
    expect(await messages('export const a = Math.log(2);', 'sim/kernel/probe.test.ts')).toEqual([]);
    expect(await messages('export const a = Math.log(2);', 'ui/lib/probe.ts')).toEqual([]);
  });
});
