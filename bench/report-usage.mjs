// Preloaded into a measured CLI run (node --import): reports its time and peak memory on exit.
const started = performance.now();
process.on('exit', (code) => {
  const usage = { code, seconds: (performance.now() - started) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stderr.write(`\n${JSON.stringify(usage)}\n`);
});
