import type { Dataset } from './dataset';
import { runDatasetRules } from './dataset-evaluator';
import { buildReport, passShareOf, shareStatus, type QualityReport, type RuleResult } from './quality-report';
import { isShareThreshold, type DatasetRule } from './rule.types';
import { HOUR_MS } from './seen-ids';

/**
 * The closed-hour check: the dataset rules judged once more on what an hour holds in storage, after the hour closed.
 * A batch sees a slice of an hour; only the whole stored hour can answer "is any event id stored twice", "how does the
 * hour's volume compare with the hours before it", "how far before the close did the data stop", "is the event mix
 * plausible". Its report is the hour's report (it replaces the roll-up of the batch reports).
 */

/** What a closed-hour report was computed from: the next pass compares it with the hour as stored now. */
export interface HourCheckInfo {
  /** Hash of the hour's visible event files and their versions when it was judged. */
  contentVersion: string;
  /** Visible event files read. */
  eventFiles: number;
  /** Events stored in the hour (rows of those files). */
  storedEvents: number;
  /** Stored rows whose event_id another stored row of the hour already has (0 when every event is stored once). */
  storedDuplicates: number;
  /** Events of the trailing hours the volume rule compared with, oldest first. */
  trailingHourCounts: number[];
}

export type ClosedHourReport = QualityReport & { hourCheck: HourCheckInfo };

export interface ClosedHourInput {
  hourStartMs: number;
  /** The hour's stored events (rows of its visible files, each file once). */
  stored: Dataset;
  /** The hour's batch reports merged (what ingest judged, including the messages it refused); null when there are none. */
  ingest: QualityReport | null;
  /** Events stored in each of the hours before it that hold data, oldest first (the volume rule's baseline). */
  trailingHourCounts: readonly number[];
  contentVersion: string;
  eventFiles: number;
}

const UNIQUENESS = 'uniqueness';

/**
 * The report of a closed hour. Definitions:
 * - record rules: as judged at ingest (the merged batch reports; a stored event passed them all);
 * - dataset rules, on the stored hour with `now` = the hour's end:
 *   - uniqueness (`unique_event_id`): the messages refused at ingest as duplicates, plus every stored row whose
 *     event_id an earlier stored row of the hour already carries (across all its visible files): fails when either
 *     happened;
 *   - other row-level rules of severity `error` (e.g. `complete_product_on_cart`): the rows refused at ingest plus
 *     the stored rows failing now; `warn` ones: the stored rows (their failures were stored, not refused);
 *   - freshness: seconds from the hour's newest stored event to the hour's end (did data keep arriving until the
 *     close?), against the rule's maximum;
 *   - volume: stored events of the hour / mean stored events of the trailing hours;
 *   - distributions: the event-type shares of the stored hour.
 * generatedAt = the newest batch report's, else the hour's end: two passes over the same content write the same bytes.
 */
export function closedHourReport(rules: readonly DatasetRule[], input: ClosedHourInput): ClosedHourReport {
  const hourEndMs = input.hourStartMs + HOUR_MS;
  const run = runDatasetRules(rules, input.stored, { nowMs: hourEndMs, trailingHourCounts: input.trailingHourCounts });
  const ingestById = new Map((input.ingest?.rules ?? []).map((rule) => [rule.id, rule]));
  const uniquenessIds = new Set(rules.filter((rule) => rule.kind === UNIQUENESS).map((rule) => rule.id));
  const storedDuplicates = run.results.filter((rule) => uniquenessIds.has(rule.id)).reduce((n, rule) => Math.max(n, rule.failed), 0);
  const hourRules = run.results.map((stored) => {
    const judged = withIngestRefusals(stored, ingestById.get(stored.id));
    return stored.kind === 'freshness' && judged.status !== 'skipped' ? { ...judged, note: 'newest stored event, seconds before the hour end' } : judged;
  });
  const datasetIds = new Set(hourRules.map((rule) => rule.id));
  const recordRules = (input.ingest?.rules ?? []).filter((rule) => rule.level === 'record' && !datasetIds.has(rule.id));
  const rowsEvaluated = input.ingest ? Math.max(input.ingest.summary.rowsEvaluated, input.stored.size) : input.stored.size;
  const rowsRefused = input.ingest ? input.ingest.summary.rowsEvaluated - input.ingest.summary.rowsValid : 0;
  const report = buildReport({
    scope: 'hour',
    window: { start: new Date(input.hourStartMs).toISOString(), end: new Date(hourEndMs).toISOString() },
    generatedAtMs: input.ingest ? Math.max(Date.parse(input.ingest.generatedAt), hourEndMs) : hourEndMs,
    rowsEvaluated,
    rowsValid: Math.max(0, rowsEvaluated - rowsRefused - run.blockingRows.length),
    rules: [...recordRules, ...hourRules],
  });
  return {
    ...report,
    hourCheck: {
      contentVersion: input.contentVersion,
      eventFiles: input.eventFiles,
      storedEvents: input.stored.size,
      storedDuplicates,
      trailingHourCounts: [...input.trailingHourCounts],
    },
  };
}

/**
 * A row-level error rule refused its failures at ingest, so they are not in storage: they count on top of what the
 * stored hour shows. A warn rule's failures were stored and are counted by the stored hour already.
 */
function withIngestRefusals(stored: RuleResult, ingest: RuleResult | undefined): RuleResult {
  if (!ingest || ingest.severity !== 'error' || ingest.failed === 0 || !isShareThreshold(stored.threshold)) return stored;
  const evaluated = stored.evaluated + ingest.failed;
  const failed = stored.failed + ingest.failed;
  const passShare = passShareOf(evaluated, failed);
  const samples = [...new Set([...stored.samples, ...ingest.samples])].slice(0, Math.max(stored.samples.length, ingest.samples.length, 5));
  return {
    ...stored,
    evaluated,
    failed,
    passShare,
    status: shareStatus(passShare, stored.threshold.mostly, stored.severity),
    samples,
    note: `${ingest.failed} refused at ingest, ${stored.failed} in storage`,
  };
}

/** True when a stored report is a closed-hour report of exactly this content version. */
export function isClosedHourReportOf(report: QualityReport | null, contentVersion: string): boolean {
  const info = (report as Partial<ClosedHourReport> | null)?.hourCheck;
  return typeof info === 'object' && info !== null && info.contentVersion === contentVersion;
}
