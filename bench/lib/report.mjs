// The results as a console/markdown table, checked against the issue's targets.
export const TARGETS = {
  processorDrainEventsPerSec: 50_000,
  endToEndEventsPerSec: 25_000,
  latencyP99Ms: 2_000,
  peakRssMb: 512,
};

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n) ? 'n/a' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const check = (ok) => (ok === null ? '' : ok ? 'PASS' : 'MISS');

export function resultRows(r) {
  const rows = [];
  const t = r.throughput;
  if (t) {
    rows.push(['generator alone -> Kafka', `${fmt(t.generatorAlone.eventsPerSec)} ev/s`, '', '']);
    rows.push(['processor alone, draining a pre-filled topic', `${fmt(t.processorDrain.eventsPerSec)} ev/s`, `>= ${fmt(TARGETS.processorDrainEventsPerSec)}`, check(t.processorDrain.eventsPerSec >= TARGETS.processorDrainEventsPerSec)]);
    rows.push(['end to end (generator + broker + processor)', `${fmt(t.endToEnd.eventsPerSec)} ev/s`, `>= ${fmt(TARGETS.endToEndEventsPerSec)}`, check(t.endToEnd.eventsPerSec >= TARGETS.endToEndEventsPerSec)]);
    for (const [name, p] of Object.entries(t.endToEnd.processes)) {
      if (name === 'broker') continue;
      rows.push([`peak RSS ${name} (end to end)`, `${fmt(p.peakRssMb, 1)} MB`, `<= ${TARGETS.peakRssMb}`, check(p.peakRssMb <= TARGETS.peakRssMb)]);
    }
    rows.push([`peak RSS processor (drain)`, `${fmt(t.processorDrain.process.peakRssMb, 1)} MB`, `<= ${TARGETS.peakRssMb}`, check(t.processorDrain.process.peakRssMb <= TARGETS.peakRssMb)]);
    rows.push(['processor RSS at 25/50/75/100 % of drain', Object.values(t.processorDrain.process.rssAtProgressMb ?? {}).map((v) => fmt(v)).join(' / ') + ' MB', 'flat', '']);
    rows.push(['CPU s per million events, end to end', `gen ${fmt(t.endToEnd.cpuSecondsPerMillion.generator, 1)} + proc ${fmt(t.endToEnd.cpuSecondsPerMillion.processor, 1)} + broker ${fmt(t.endToEnd.cpuSecondsPerMillion.broker, 1)}`, '', '']);
    rows.push(['CPU s per million events, processor drain', `${fmt(t.processorDrain.cpuSecondsPerMillion, 1)} (after start-up: ${fmt(t.processorDrain.cpuSecondsPerMillionAfterStartup, 1)})`, '', '']);
    if (t.processorDrain.s3Server) rows.push(['CPU s per million events, local S3 server during the drain', fmt(t.processorDrain.s3Server.cpuSecondsPerMillion, 1), '', '']);
    rows.push(['bytes per event: Parquet (events) vs NDJSON', `${fmt(t.storage.parquetBytesPerEvent, 1)} vs ${fmt(t.storage.ndjsonBytesPerEvent, 1)} (all stored files: ${fmt(t.storage.allStoredBytesPerEvent, 1)})`, '', '']);
  }
  for (const d of r.ab?.drains ?? []) {
    rows.push([
      `ab drain: ${d.variant} (round ${d.round})`,
      `${fmt(d.eventsPerSec)} ev/s, ${fmt(d.cpuSecondsPerMillion, 1)} CPU s/M (${fmt(d.cpuSecondsPerMillionAfterStartup, 1)} after start-up), ${fmt(d.storage.parquetBytesPerEvent, 1)} B/event Parquet, peak RSS ${fmt(d.process.peakRssMb, 0)} MB`,
      '',
      '',
    ]);
  }
  const l = r.latency;
  if (l?.percentilesMs) {
    const p = l.percentilesMs;
    rows.push([`latency event -> durable at ${fmt(l.rate)} ev/s (${fmt(p.count)} events)`, `p50 ${fmt(p.p50)} / p95 ${fmt(p.p95)} / p99 ${fmt(p.p99)} / max ${fmt(p.max)} ms`, `p99 <= ${fmt(TARGETS.latencyP99Ms)}`, check(p.p99 <= TARGETS.latencyP99Ms)]);
  }
  const b = r.baseline;
  if (b) {
    rows.push([`Kafka ProducerPerformance (${fmt(b.records)} x ${b.recordSize} B, acks=all)`, `${fmt(b.recordsPerSec)} rec/s`, '', '']);
    if (b.endToEndRatio !== null) rows.push(['our end to end / ProducerPerformance', `${fmt(b.endToEndRatio * 100, 1)} %`, '', '']);
    if (b.generatorRatio !== null) rows.push(['our generator alone / ProducerPerformance', `${fmt(b.generatorRatio * 100, 1)} %`, '', '']);
  }
  return rows;
}

export function consoleTable(rows) {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), 6));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

export function markdown(r, rows) {
  const lines = [
    `# Benchmark ${r.startedAt}${r.label ? ` (${r.label})` : ''}`,
    '',
    `${fmt(r.config.count)} events; ${r.machine.cpus} cores (${r.machine.cpuModel}), Node ${r.machine.node}, broker ${r.config.brokers}; processor bundle \`${r.config.processorBundle}\` × ${r.config.instances ?? 1} instance(s) in one group, ${r.config.partitions ?? 3} partitions per topic, storage ${r.config.storage === 's3' ? `s3 (${r.config.storageUrl}, ${r.config.s3Endpoint})` : 'file'}${Object.keys(r.config.processorEnv ?? {}).length ? ` with ${JSON.stringify(r.config.processorEnv)}` : ''}.`,
    ...(r.config.variants?.length
      ? [`ab variants: ${r.config.variants.map((v) => `${v.name} = \`${v.bundle}\`${Object.keys(v.env).length ? ` with ${JSON.stringify(v.env)}` : ''}`).join('; ')}.`]
      : []),
    `Load average (1/5/15 min) at start ${r.machine.loadAverageAtStart?.map((v) => v.toFixed(1)).join('/')}, at end ${r.machine.loadAverageAtEnd?.map((v) => v.toFixed(1)).join('/')}: other work on the machine shares the cores.`,
    '',
    '| measure | result | target | |',
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}
