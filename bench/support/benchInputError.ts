// A benchmark's refusal of its input (an environment variable, a data set's file): a
// message for the user, not a bug. bin/bench.mjs prints it as `bench: NAME: message` and
// exits 2, where any other exception is a benchmark's bug and goes up with its stack.
export class BenchInputError extends Error {
  override readonly name = 'BenchInputError';
}
