import { isShareThreshold, type Threshold } from './rule.types';
import type { QualityReport, RuleResult } from './quality-report';

/** Fixed column order of a report as CSV (reportCsvRows); consumers may rely on it. */
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

/** The report as CSV rows under REPORT_CSV_COLUMNS, one per rule (storage's CSV writer formats them). */
export function reportCsvRows(report: QualityReport): string[][] {
  return report.rules.map((rule) => csvRow(report, rule));
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
