// Per-stage CPU table of a processor .cpuprofile (bench/README.md, Third round):
//   node bench/profile/stage-table.cjs drain.cpuprofile dist/apps/processor/main.js.map [events]
// source-map-js is a transitive dev dependency (via the build tools).
const fs = require('fs');
const { SourceMapConsumer } = require('source-map-js');
const [profilePath, mapPath] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(profilePath));
const map = new SourceMapConsumer(JSON.parse(fs.readFileSync(mapPath)));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
const fileCache = new Map();
function sourceOf(cf) {
  if (!cf.url.endsWith('/main.js')) return cf.url.replace(/.*node_modules\//, 'nm/');
  const key = cf.lineNumber + ':' + cf.columnNumber;
  if (!fileCache.has(key)) { const o = map.originalPositionFor({ line: cf.lineNumber + 1, column: cf.columnNumber }); fileCache.set(key, (o.source || '?').replace(/^webpack:\/\/\/?/, '').replace(/.*\/(libs|apps)\//, '$1/')); }
  return fileCache.get(key);
}
const STAGES = [
  ['GC', (f, fn) => fn === '(garbage collector)'],
  ['idle', (f, fn) => fn === '(idle)' || fn === '(program)'],
  ['start-up (module loading)', (f, fn) => /^(Module\.|wrapSafe|compileForInternalLoader|__webpack_require__|require)/.test(fn) || f.includes('internal/modules')],
  ['bench /metrics polls (prom-client, express)', (f) => /nm\/(prom-client|express|router|body-parser|@nestjs\/platform-express)/.test(f) || /libs\/metrics|metrics\.controller/.test(f)],
  ['contract check (isCertainlyValidEvent, DTOs)', (f) => /libs\/events\/src\/lib\/(event-fast-check|kinds\/)/.test(f) || /nm\/(class-validator|class-transformer|validator)\//.test(f)],
  ['UTF-8 + JSON.parse (decodeEvent)', (f) => /libs\/events\/src\/lib\/event-codec/.test(f)],
  ['durable id index (EventIdSet, DurableEventIdIndex)', (f) => /libs\/storage\/src\/lib\/(event-id-set|durable-event-id-index|event-id-file)/.test(f)],
  ['quality rules + batch duplicates (libs/quality)', (f) => /libs\/quality\//.test(f)],
  ['Parquet encode (flat writer, parquetjs, snappy/zlib on this thread)', (f, fn) => /libs\/storage\/src\/lib\/(flat-parquet-writer|flat-row-shredder|parquet-codec|event-parquet)/.test(f) || /nm\/(@dsnp\/parquetjs|snappyjs|thrift|node-int64)/.test(f) || fn === 'gzipSync' || fn === 'zlibBufferSync'],
  ['partials + rollups (hourly-partial, metrics-rollup, metric tables)', (f) => /libs\/storage\/src\/lib\/(hourly-partial|metrics-rollup|metric-tables|partial)/.test(f)],
  ['sink: files, fsync, layout (storage backend)', (f) => /libs\/storage\//.test(f)],
  ['kafkajs (fetch, record decoding, commits)', (f) => /nm\/kafkajs/.test(f)],
  ['ingest flow (libs/ingest, libs/kafka, processor app)', (f) => /libs\/(ingest|kafka)\/|apps\/processor/.test(f)],
];
const totals = new Map(STAGES.map(([s]) => [s, 0])); totals.set('other', 0);
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  const d = p.timeDeltas[i] || 0; total += d;
  let stage = 'other';
  outer: for (let x = p.samples[i]; x !== undefined; x = parent.get(x)) {
    const cf = byId.get(x).callFrame; const f = sourceOf(cf);
    for (const [s, test] of STAGES) if (test(f, cf.functionName)) { stage = s; break outer; }
  }
  totals.set(stage, totals.get(stage) + d);
}
const work = total - totals.get('idle');
const events = Number(process.argv[4] || 0);
console.log(`| stage | CPU ms | share of busy | µs per event |`);
console.log(`|---|---|---|---|`);
for (const [s, t] of [...totals].sort((a, b) => b[1] - a[1])) if (s !== 'idle') console.log(`| ${s} | ${(t / 1000).toFixed(0)} | ${(100 * t / work).toFixed(1)} % | ${events ? (t / events).toFixed(1) : ''} |`);
console.log(`| busy total | ${(work / 1000).toFixed(0)} | 100 % | ${events ? (work / events).toFixed(1) : ''} |`);
