// Preloaded into a benchmarked Node process (node --require): on exit, writes its own CPU time and peak RSS to
// $BENCH_USAGE_FILE. A process that exits by itself cannot be sampled from /proc at its last moment.
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssKb: usage.maxRSS }));
  });
}
