// The Promise-level policy contract shared by breaker, retry, timeout and bulkhead, so
// they compose with `wrap`. A policy runs `fn` with a context whose signal tells `fn`
// to give up (a timeout fired, a caller cancelled).
//
// Contract: `execute` either returns what `fn` returned, rethrows what `fn` threw, or
// throws one of the errors in errors.ts without running `fn`.

/** What a policy hands to the function it protects. */
export interface ExecuteContext {
  /** Aborted when an outer policy or the caller gives up on this call. */
  readonly signal: AbortSignal;
}

/** The function a policy protects. It may return a plain value or a promise. */
export type Operation<T> = (context: ExecuteContext) => Promise<T> | T;

export interface Policy {
  execute<T>(fn: Operation<T>, context?: ExecuteContext): Promise<T>;
}

// One never-aborted signal serves every call made without a caller context, so the hot
// path allocates no AbortController.
const idleController = new AbortController();

/** The context used when the caller passes none: its signal never aborts. */
export const noCancelContext: ExecuteContext = Object.freeze({ signal: idleController.signal });
