// Sums a sampling heap profile (bench/profile/heap-sampling-on-exit.cjs) by allocating function and prints the top
// sites as bytes per event: node bench/profile/heap-sites.cjs <file.heapprofile> <events> [top=30]
const { readFileSync } = require('node:fs');
const [file, events = '1', top = '30'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const bySite = new Map();
let total = 0;
(function walk(node, parent) {
  const f = node.callFrame;
  const url = (f.url || '').replace(/^.*\//, '');
  const site = `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1} <- ${parent}`;
  if (node.selfSize) {
    bySite.set(site, (bySite.get(site) || 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const child of node.children || []) walk(child, f.functionName || '(anonymous)');
})(profile.head, '');
console.log(`sampled allocations: ${(total / 1e6).toFixed(0)} MB, ${(total / Number(events)).toFixed(0)} B per event`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${(bytes / Number(events)).toFixed(0).padStart(6)} B/event  ${site}`);
}
