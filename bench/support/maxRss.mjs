// Loaded with `node --import` into a child process by bench/memory.ts: on exit, writes the
// process's peak resident set size (KiB) and CPU time (µs) to stderr as
// `maxRSSKiB=N cpuUs=M`.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nmaxRSSKiB=${u.maxRSS} cpuUs=${u.userCPUTime + u.systemCPUTime}\n`);
});
