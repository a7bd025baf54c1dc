import { isShareThreshold, type Threshold } from './rule.types';
import type { QualityReport, RuleResult } from './quality-report';

/** Fixed column order of reportToCsv; consumers may rely on it. */
export const REPORT_CSV_COLUMNS = [
  'scope',
  'window_start',
  'window_end',
  'rule_id',
  'level',
  'kind',
  'severity',
  'description',
  'columns',
  'evaluated',
  'failed',
  'pass_share',
  'threshold',
  'metric_value',
  'status',
  'samples',
  'note',
] as const;

/** One row per rule, RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF quoted, quotes doubled. */
export function reportToCsv(report: QualityReport): string {
  const lines = [REPORT_CSV_COLUMNS.join(',')];
  for (const rule of report.rules) lines.push(csvRow(report, rule).map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function reportToJson(report: QualityReport): string {
  return JSON.stringify(report, null, 2);
}

function csvRow(report: QualityReport, rule: RuleResult): string[] {
  return [
    report.scope,
    report.window.start ?? '',
    report.window.end ?? '',
    rule.id,
    rule.level,
    rule.kind,
    rule.severity,
    rule.description,
    rule.columns.join(' '),
    String(rule.evaluated),
    String(rule.failed),
    String(rule.passShare),
    describeThreshold(rule.threshold),
    rule.metricValue === null ? '' : String(rule.metricValue),
    rule.status,
    rule.samples.join(' '),
    rule.note ?? '',
  ];
}

/** `mostly>=0.99`, `0.2<=purchase_share<=5`, `newest_event_age_seconds<=300`. */
export function describeThreshold(threshold: Threshold): string {
  if (isShareThreshold(threshold)) return `mostly>=${threshold.mostly}`;
  const lower = threshold.min === null ? '' : `${threshold.min}<=`;
  const upper = threshold.max === null ? '' : `<=${threshold.max}`;
  return `${lower}${threshold.metric}${upper}`;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
