// The results as a console/markdown table, checked against the issue's targets (issue 15, "Speed, round three").
export const TARGETS = {
  processorDrainEventsPerSec: 50_000,
  /** Processor CPU per million events while draining (all threads, start-up included), one instance. */
  processorDrainCpuSecondsPerMillion: 17,
  endToEndEventsPerSec: 50_000,
  latencyP99Ms: 2_000,
  peakRssMb: 512,
  parquetBytesPerEvent: 56,
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
    rows.push(['CPU s per million events, processor drain', `${fmt(t.processorDrain.cpuSecondsPerMillion, 1)} (after start-up: ${fmt(t.processorDrain.cpuSecondsPerMillionAfterStartup, 1)})`, `<= ${TARGETS.processorDrainCpuSecondsPerMillion}`, check(t.processorDrain.cpuSecondsPerMillion <= TARGETS.processorDrainCpuSecondsPerMillion)]);
    if (t.processorDrain.cores) rows.push(['cores in use during the drain', `${describeCores(t.processorDrain.cores)}; limited by ${limitOf(t.processorDrain.cores)}`, '', '']);
    if (t.processorDrain.s3Server) rows.push(['CPU s per million events, local S3 server during the drain', fmt(t.processorDrain.s3Server.cpuSecondsPerMillion, 1), '', '']);
    rows.push(['bytes per event: Parquet (events) vs NDJSON', `${fmt(t.storage.parquetBytesPerEvent, 1)} vs ${fmt(t.storage.ndjsonBytesPerEvent, 1)} (all stored files: ${fmt(t.storage.allStoredBytesPerEvent, 1)})`, `<= ${TARGETS.parquetBytesPerEvent} (Parquet)`, check(t.storage.parquetBytesPerEvent <= TARGETS.parquetBytesPerEvent)]);
  }
  for (const d of r.ab?.drains ?? []) {
    rows.push([
      `ab drain: ${d.variant} (round ${d.round})`,
      `${fmt(d.eventsPerSec)} ev/s, ${fmt(d.cpuSecondsPerMillion, 1)} CPU s/M (${fmt(d.cpuSecondsPerMillionAfterStartup, 1)} after start-up), ${d.cores ? `${fmt(d.cores.processor, 2)} cores (JavaScript thread ${fmt(d.cores.mainThread, 2)}), ` : ''}${fmt(d.storage.parquetBytesPerEvent, 1)} B/event Parquet, peak RSS ${fmt(d.process.peakRssMb, 0)} MB`,
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
    rows.push([`Kafka ProducerPerformance (${fmt(b.records)} x ${b.recordSize} B, acks=all)`, `${fmt(b.recordsPerSec)} rec/s, ${fmt(b.mbPerSec, 1)} MB/s`, '', '']);
    if (b.endToEndRatio !== null) rows.push(['our end to end / ProducerPerformance', `${fmt(b.endToEndRatio * 100, 1)} %`, '', '']);
    if (b.generatorRatio !== null) rows.push(['our generator alone / ProducerPerformance', `${fmt(b.generatorRatio * 100, 1)} %`, '', '']);
    const c = b.consumer;
    if (c) {
      rows.push([
        `Kafka ConsumerPerformance (${fmt(c.records)} records of ${c.ofDrainedTopic ? 'the drained topic' : "ProducerPerformance's topic"})`,
        `${fmt(c.fetchRecordsPerSec)} rec/s, ${fmt(c.fetchMbPerSec, 1)} MB/s once it had its partitions (${fmt(c.recordsPerSec)} rec/s, ${fmt(c.mbPerSec, 1)} MB/s with its group join of ${fmt(c.rebalanceMs)} ms)`,
        '',
        '',
      ]);
      if (b.drainRatio !== null) rows.push(['our processor drain / ConsumerPerformance', `${fmt(b.drainRatio * 100, 1)} %`, '', '']);
    }
  }
  return rows;
}

/** "processor 1.02 (JavaScript thread 0.95); machine 1.98 of 2 busy": cores in use from ready to the drain's end. */
function describeCores(c) {
  const several = (c.instances ?? 1) > 1;
  return `processor${several ? `s (${c.instances})` : ''} ${fmt(c.processor, 2)} (JavaScript thread${several ? 's' : ''} ${fmt(c.mainThread, 2)}); machine ${fmt(c.machineBusy, 2)} of ${c.machine} busy`;
}

/**
 * What held a drain back, from where the cores went: a JavaScript thread busy >= 85 % of the drain is the limit
 * itself (more threadpool threads or cores cannot help it); else a machine with < 0.25 core idle means the drain
 * waited for cores (other work, the broker); else the JavaScript thread waited on I/O (fetches, fsync, the
 * threadpool) with cores to spare.
 */
export function limitOf(c) {
  if (!c) return '';
  // With several instances, each has its own JavaScript thread: their mean busy share.
  const instances = c.instances ?? 1;
  const busy = c.mainThread / instances;
  const threads = instances > 1 ? `JavaScript threads (${instances}, each ${fmt(busy * 100)} % busy on average)` : `JavaScript thread (${fmt(busy * 100)} % busy)`;
  if (busy >= 0.85) return threads;
  if (c.machineBusy >= c.machine - 0.25) return `the shared cores (${fmt(c.machineBusy, 2)} of ${c.machine} busy)`;
  return `waits: ${threads}, ${fmt(c.machine - c.machineBusy, 2)} cores idle`;
}

/** The workers scenario as a table: one row per drain (setting and round), header first. */
export function workerRows(r) {
  const w = r.workers;
  if (!w) return [];
  const consumer = r.baseline?.consumer;
  const rounds = Math.max(...w.drains.map((d) => d.round));
  return [
    ['setting', 'drain ev/s', 'CPU s/M (after start-up)', 'cores: processor', 'JS thread', 'machine busy', '/ ConsumerPerformance', 'peak RSS', 'limited by'],
    ...w.drains.map((d) => [
      rounds > 1 ? `${d.variant} (round ${d.round})` : d.variant,
      fmt(d.eventsPerSec),
      `${fmt(d.cpuSecondsPerMillion, 1)} (${fmt(d.cpuSecondsPerMillionAfterStartup, 1)})`,
      fmt(d.cores?.processor, 2),
      fmt(d.cores?.mainThread, 2),
      d.cores ? `${fmt(d.cores.machineBusy, 2)} of ${d.cores.machine}` : 'n/a',
      consumer ? `${fmt((d.eventsPerSec / consumer.fetchRecordsPerSec) * 100, 1)} %` : 'n/a',
      `${fmt(d.process.peakRssMb)} MB`,
      limitOf(d.cores),
    ]),
  ];
}

export function consoleTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length), 6));
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
    ...(rows.length ? ['| measure | result | target | |', '|---|---|---|---|', ...rows.map((row) => `| ${row.join(' | ')} |`), ''] : []),
  ];
  const workers = workerRows(r);
  if (workers.length) {
    lines.push(
      `## Drain by processor setting (workers scenario)`,
      '',
      `${fmt(r.workers.count)} events of one pre-filled topic, drained by \`${r.config.processorBundle}\` once per setting${r.workers.drains.some((d) => d.round > 1) ? ' and round' : ''} (fresh group each). Cores in use from the processor's \`/metrics\` answering to the last event stored: CPU s / wall s of the processor (all threads), of its JavaScript thread, and of the whole machine.${r.baseline?.consumer ? ` Share of ConsumerPerformance: of its ${fmt(r.baseline.consumer.fetchRecordsPerSec)} records/s on ${r.baseline.consumer.topic === r.workers.topic ? 'this topic' : "the throughput scenario's topic"}.` : ''}`,
      '',
      `| ${workers[0].join(' | ')} |`,
      `|${workers[0].map(() => '---').join('|')}|`,
      ...workers.slice(1).map((row) => `| ${row.join(' | ')} |`),
      '',
    );
  }
  return lines.join('\n');
}
