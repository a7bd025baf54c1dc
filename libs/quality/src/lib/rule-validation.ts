import { isEventType } from '@pipeline/events';
import { isShareThreshold, type DatasetRule, type RecordRule } from './rule.types';

/**
 * Rejects rule lists that would give misleading reports: duplicate ids (results are keyed by id),
 * thresholds outside [0, 1], unknown event kinds. Thrown at setup, never per event.
 */
export function assertValidRules(rules: readonly (RecordRule | DatasetRule)[]): void {
  const ids = new Set<string>();
  for (const rule of rules) {
    if (!rule.id) throw new Error('a rule needs a non-empty id');
    if (ids.has(rule.id)) throw new Error(`duplicate rule id "${rule.id}"`);
    ids.add(rule.id);
    if (rule.severity !== 'error' && rule.severity !== 'warn') {
      throw new Error(`rule ${rule.id}: severity must be 'error' or 'warn'`);
    }
    const mostly = 'threshold' in rule ? (isShareThreshold(rule.threshold) ? rule.threshold.mostly : undefined) : rule.mostly;
    if (mostly !== undefined && !(mostly >= 0 && mostly <= 1)) {
      throw new Error(`rule ${rule.id}: mostly must be within [0, 1], got ${mostly}`);
    }
    if ('threshold' in rule && !isShareThreshold(rule.threshold)) {
      const { min, max } = rule.threshold;
      if (min !== null && max !== null && min > max) throw new Error(`rule ${rule.id}: bound min ${min} > max ${max}`);
    }
    if ('appliesTo' in rule && rule.appliesTo) {
      const unknown = rule.appliesTo.filter((type) => !isEventType(type));
      if (unknown.length > 0) throw new Error(`rule ${rule.id}: unknown event types ${unknown.join(', ')}`);
    }
  }
}
