// Fallback: when the protected call fails with an error it handles, answer with a
// substitute value instead. It is not a Policy because it changes the result type
// (T becomes T | F); put it outermost, around a wrapped policy.
import type { ExecuteContext, Operation } from '../policy/policy.ts';
import { noCancelContext } from '../policy/policy.ts';

export interface FallbackOptions<F> {
  /** Which errors the fallback answers; every error by default. */
  readonly handles?: (error: unknown) => boolean;
  readonly fallback: (error: unknown) => F | Promise<F>;
}

export class FallbackPolicy<F> {
  constructor(private readonly options: FallbackOptions<F>) {}

  async execute<T>(fn: Operation<T>, context: ExecuteContext = noCancelContext): Promise<T | F> {
    try {
      return await fn(context);
    } catch (error) {
      if (this.options.handles !== undefined && !this.options.handles(error)) throw error;
      return this.options.fallback(error);
    }
  }
}
