import { EVENT_COLUMNS } from '@pipeline/events';
import { defaultRuleSet } from './default-rules';
import { EVENT_FIELDS } from './event-fields';

const COLUMN_NAMES = new Set(EVENT_COLUMNS.map((c) => c.name));

describe('column names', () => {
  it('every field the required/type rules read is a stored column', () => {
    expect(EVENT_FIELDS.map((f) => f.column).filter((name) => !COLUMN_NAMES.has(name))).toEqual([]);
  });

  it('every column a default rule declares is a stored column', () => {
    const { record, dataset } = defaultRuleSet();
    const declared = [...record, ...dataset].flatMap((rule) => rule.columns);
    expect(declared.filter((name) => !COLUMN_NAMES.has(name))).toEqual([]);
  });

  it('the required fields include every column EVENT_COLUMNS marks required', () => {
    const required = new Set(EVENT_FIELDS.filter((f) => f.required).map((f) => f.column));
    expect(EVENT_COLUMNS.filter((c) => c.required && !required.has(c.name)).map((c) => c.name)).toEqual([]);
  });
});
