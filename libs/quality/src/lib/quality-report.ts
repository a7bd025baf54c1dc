import { isShareThreshold, type MetricBound, type RuleKind, type Severity, type Threshold } from './rule.types';

/**
 * The report is plain JSON-serialisable data (no classes, no undefined, no Infinity) so it can be logged,
 * stored next to the Parquet files, served by the reporter and merged later without the rule set at hand.
 */

/** `skipped`: the check could not be evaluated (no baseline yet, too few rows); it is left out of the scores. */
export type RuleStatus = 'pass' | 'warn' | 'fail' | 'skipped';
export type RuleLevel = 'record' | 'dataset';
export type ReportScope = 'batch' | 'hour';

export interface RuleResult {
  id: string;
  description: string;
  severity: Severity;
  level: RuleLevel;
  kind: RuleKind;
  columns: string[];
  threshold: Threshold;
  evaluated: number;
  failed: number;
  /** (evaluated - failed) / evaluated; 1 when nothing was evaluated. */
  passShare: number;
  status: RuleStatus;
  /** The measured value of a metric rule (freshness, volume, distribution); null for share rules. */
  metricValue: number | null;
  /** Up to N failing event ids (or message offsets / row numbers when there is no id). */
  samples: string[];
  /** Why the rule was skipped or could not run. */
  note: string | null;
}

/**
 * ISO-8601 UTC; null when the report covers no timed rows. A batch spans its earliest to latest event time
 * (both inclusive); an hour is [start of the hour, start of the next hour).
 */
export interface TimeWindow {
  start: string | null;
  end: string | null;
}

export interface QualitySummary {
  rowsEvaluated: number;
  /** Rows with no error-severity failure (record rules, contract, row-level dataset rules). */
  rowsValid: number;
  validShare: number;
  /** Checks with status pass / checks that ran (skipped ones excluded): the original "7/7". */
  checksPassed: number;
  checksTotal: number;
  qualityScore: number;
  /** E.g. "7/7". */
  qualityScoreLabel: string;
  /** Pass shares averaged with rows evaluated as weights: sum(evaluated - failed) / sum(evaluated). */
  rowWeightedScore: number;
}

export interface QualityReport {
  scope: ReportScope;
  window: TimeWindow;
  generatedAt: string;
  summary: QualitySummary;
  rules: RuleResult[];
}

export const DEFAULT_SAMPLE_LIMIT = 5;

// Shares are ratios of integers; the tolerance only absorbs float noise such as 0.7 * 30 = 20.999999999999996.
const SHARE_TOLERANCE = 1e-12;

export function passShareOf(evaluated: number, failed: number): number {
  return evaluated === 0 ? 1 : (evaluated - failed) / evaluated;
}

const failingStatus = (severity: Severity): RuleStatus => (severity === 'error' ? 'fail' : 'warn');

/** Pass when passShare >= mostly (exactly at the bound passes), else fail/warn by severity. */
export function shareStatus(passShare: number, mostly: number, severity: Severity): RuleStatus {
  return passShare >= mostly - SHARE_TOLERANCE ? 'pass' : failingStatus(severity);
}

/** Pass when min <= value <= max (bounds inclusive, null = unbounded). */
export function boundStatus(value: number, bound: MetricBound, severity: Severity): RuleStatus {
  const inside = (bound.min === null || value >= bound.min) && (bound.max === null || value <= bound.max);
  return inside ? 'pass' : failingStatus(severity);
}

export interface ReportInput {
  scope: ReportScope;
  window: TimeWindow;
  generatedAtMs: number;
  rowsEvaluated: number;
  rowsValid: number;
  rules: readonly RuleResult[];
}

export function buildReport(input: ReportInput): QualityReport {
  const ids = new Set<string>();
  for (const rule of input.rules) {
    if (ids.has(rule.id)) throw new Error(`duplicate rule id "${rule.id}" in report`);
    ids.add(rule.id);
  }
  return {
    scope: input.scope,
    window: input.window,
    generatedAt: new Date(input.generatedAtMs).toISOString(),
    summary: summarize(input.rules, input.rowsEvaluated, input.rowsValid),
    rules: [...input.rules],
  };
}

export function summarize(rules: readonly RuleResult[], rowsEvaluated: number, rowsValid: number): QualitySummary {
  const ran = rules.filter((rule) => rule.status !== 'skipped');
  const checksPassed = ran.filter((rule) => rule.status === 'pass').length;
  let evaluated = 0;
  let passed = 0;
  for (const rule of ran) {
    evaluated += rule.evaluated;
    passed += rule.evaluated - rule.failed;
  }
  return {
    rowsEvaluated,
    rowsValid,
    validShare: passShareOf(rowsEvaluated, rowsEvaluated - rowsValid),
    checksPassed,
    checksTotal: ran.length,
    qualityScore: ran.length === 0 ? 1 : checksPassed / ran.length,
    qualityScoreLabel: `${checksPassed}/${ran.length}`,
    rowWeightedScore: evaluated === 0 ? 1 : passed / evaluated,
  };
}

export interface MergeOptions {
  scope?: ReportScope;
  /** Defaults to the span of the parts' windows. */
  window?: TimeWindow;
  /** Defaults to the newest part's generatedAt. */
  generatedAtMs?: number;
  sampleLimit?: number;
}

/**
 * Rolls reports (e.g. an hour's batch reports) into one. Share rules add up evaluated/failed and get
 * their status recomputed from the summed counts, so 1 failure in each of 100 batches can still fail a
 * `mostly` that every single batch passed. A metric rule (freshness, volume, distribution) has no
 * meaningful sum: the merged rule takes the worst status of its parts with that part's value, and its
 * counts are the rows of the parts that passed/failed. Skipped parts count for nothing.
 * Definitions (description, threshold...) come from the newest part that carries the rule.
 */
export function mergeReports(reports: readonly QualityReport[], options: MergeOptions = {}): QualityReport {
  if (reports.length === 0) throw new Error('mergeReports needs at least one report');
  const sampleLimit = options.sampleLimit ?? DEFAULT_SAMPLE_LIMIT;
  const partsById = new Map<string, RuleResult[]>();
  for (const report of reports) {
    for (const rule of report.rules) {
      const parts = partsById.get(rule.id);
      if (parts) parts.push(rule);
      else partsById.set(rule.id, [rule]);
    }
  }
  const rules = [...partsById.values()].map((parts) => mergeRuleResults(parts, sampleLimit));
  const generatedAtMs = options.generatedAtMs ?? Math.max(...reports.map((report) => Date.parse(report.generatedAt)));
  return buildReport({
    scope: options.scope ?? 'hour',
    window: options.window ?? spanOf(reports.map((report) => report.window)),
    generatedAtMs,
    rowsEvaluated: sum(reports.map((report) => report.summary.rowsEvaluated)),
    rowsValid: sum(reports.map((report) => report.summary.rowsValid)),
    rules,
  });
}

const STATUS_RANK: Record<RuleStatus, number> = { skipped: 0, pass: 1, warn: 2, fail: 3 };

function mergeRuleResults(parts: readonly RuleResult[], sampleLimit: number): RuleResult {
  const latest = parts[parts.length - 1];
  const ran = parts.filter((part) => part.status !== 'skipped');
  const samples = [...new Set(ran.flatMap((part) => part.samples))].slice(0, sampleLimit);
  const evaluated = sum(ran.map((part) => part.evaluated));
  const failed = sum(ran.map((part) => part.failed));
  const passShare = passShareOf(evaluated, failed);
  if (ran.length === 0) {
    return { ...latest, evaluated: 0, failed: 0, passShare: 1, status: 'skipped', metricValue: null, samples: [] };
  }
  if (isShareThreshold(latest.threshold)) {
    const status = shareStatus(passShare, latest.threshold.mostly, latest.severity);
    return { ...latest, evaluated, failed, passShare, status, metricValue: null, samples, note: null };
  }
  // Worst status wins; among equals the newest part, so its value is the most recent reading of that state.
  const worst = ran.reduce((acc, part) => (STATUS_RANK[part.status] >= STATUS_RANK[acc.status] ? part : acc));
  return { ...latest, evaluated, failed, passShare, status: worst.status, metricValue: worst.metricValue, samples, note: null };
}

function spanOf(windows: readonly TimeWindow[]): TimeWindow {
  const starts = windows.map((w) => w.start).filter((s): s is string => s !== null);
  const ends = windows.map((w) => w.end).filter((e): e is string => e !== null);
  return {
    // ISO-8601 UTC strings of one format order like the times they denote.
    start: starts.length ? starts.reduce((a, b) => (b < a ? b : a)) : null,
    end: ends.length ? ends.reduce((a, b) => (b > a ? b : a)) : null,
  };
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** "quality score: 100% (7/7 checks passed)", the line the original system printed. */
export function formatQualityScore(report: QualityReport): string {
  const { qualityScore, qualityScoreLabel } = report.summary;
  return `quality score: ${Math.round(qualityScore * 100)}% (${qualityScoreLabel} checks passed)`;
}

/** The score line plus one line per check that found something, e.g. "null detection: 3 failures (fail)". */
export function formatReportLines(report: QualityReport): string[] {
  const lines = [formatQualityScore(report)];
  for (const rule of report.rules) {
    if (rule.status === 'skipped') continue;
    if (rule.failed === 0 && rule.status === 'pass') continue;
    lines.push(`${rule.description}: ${rule.failed} ${rule.failed === 1 ? 'failure' : 'failures'} (${rule.status})`);
  }
  return lines;
}

/** JSON text to a QualityReport, checking the fields the reporter relies on (the file comes from another process). */
export function parseQualityReport(text: string): QualityReport {
  const value: unknown = JSON.parse(text);
  const problem = qualityReportProblem(value);
  if (problem) throw new Error(`not a quality report: ${problem}`);
  return value as QualityReport;
}

function qualityReportProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not an object';
  const summary = value['summary'];
  if (!isRecord(summary)) return 'summary missing';
  for (const field of ['qualityScore', 'checksPassed', 'checksTotal', 'rowsEvaluated', 'rowsValid', 'validShare', 'rowWeightedScore']) {
    if (typeof summary[field] !== 'number' || !Number.isFinite(summary[field])) return `summary.${field} is not a number`;
  }
  if (typeof summary['qualityScoreLabel'] !== 'string') return 'summary.qualityScoreLabel is not text';
  if (typeof value['generatedAt'] !== 'string') return 'generatedAt is not text';
  if (!isRecord(value['window'])) return 'window missing';
  const rules = value['rules'];
  if (!Array.isArray(rules)) return 'rules is not a list';
  for (const rule of rules) {
    if (!isRecord(rule) || typeof rule['id'] !== 'string' || typeof rule['status'] !== 'string') return 'a rule has no id or status';
    if (typeof rule['evaluated'] !== 'number' || typeof rule['failed'] !== 'number') return `rule ${String(rule['id'])} has no counts`;
    if (!isRecord(rule['threshold'])) return `rule ${String(rule['id'])} has no threshold`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
