// Composition of policies: `wrap(a, b, c).execute(fn)` runs a(b(c(fn))), so the first
// policy is the outermost. The usual order is breaker, retry, timeout: each attempt gets
// its own timeout, and the breaker sees one outcome per logical call.
import type { ExecuteContext, Operation, Policy } from './policy.ts';
import { noCancelContext } from './policy.ts';

export function wrap(...policies: readonly Policy[]): Policy {
  if (policies.length === 0) throw new Error('wrap: give at least one policy');
  return {
    execute<T>(fn: Operation<T>, context: ExecuteContext = noCancelContext): Promise<T> {
      return runFrom(policies, 0, fn, context);
    },
  };
}

function runFrom<T>(policies: readonly Policy[], index: number, fn: Operation<T>, context: ExecuteContext): Promise<T> {
  if (index === policies.length) return Promise.resolve(fn(context));
  return policies[index].execute((inner) => runFrom(policies, index + 1, fn, inner), context);
}
