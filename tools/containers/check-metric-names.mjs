// Every app metric that docker/prometheus-alerts.yml and the Grafana dashboard query must exist in the running apps'
// GET /metrics, or a panel stays empty and an alert never fires without anyone noticing.
//   node tools/containers/check-metric-names.mjs http://127.0.0.1:34000/metrics http://127.0.0.1:34001/metrics …
// Exit 1 listing the names no app exposes. Names in PENDING are only reported (added by work in progress).
import { readFileSync } from 'node:fs';

const PENDING = new Set(['processor_last_commit_timestamp_seconds']);
const HISTOGRAM_SUFFIXES = /_(bucket|sum|count)$/;

const files = ['docker/prometheus-alerts.yml', 'docker/grafana/dashboards/pipeline.json'];
const queried = new Set();
for (const file of files) {
  for (const [name] of readFileSync(file, 'utf8').matchAll(/\b(?:generator|processor|reporter)_[a-z_]+\b/g)) {
    queried.add(name);
  }
}

const exposed = new Set();
for (const url of process.argv.slice(2)) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  for (const line of (await response.text()).split('\n')) {
    const match = /^# TYPE (\S+) (\S+)/.exec(line);
    if (match) exposed.add(match[1]);
  }
}

const missing = [];
for (const name of [...queried].sort()) {
  if (exposed.has(name) || exposed.has(name.replace(HISTOGRAM_SUFFIXES, ''))) continue;
  if (PENDING.has(name)) console.error(`check-metric-names: ${name} is queried but not exposed yet (pending)`);
  else missing.push(name);
}
if (missing.length > 0) {
  console.error(`check-metric-names: queried in ${files.join(' / ')} but exposed by no app: ${missing.join(', ')}`);
  process.exit(1);
}
console.error(`check-metric-names: all ${queried.size} queried app metrics are exposed`);
