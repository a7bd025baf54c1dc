import { EVENT_COLUMNS, toEventRow } from './event-columns';
import { samplePageView, samplePurchase } from './event.fixtures';

describe('event columns', () => {
  it('have unique names', () => {
    const names = EVENT_COLUMNS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('flatten a purchase: quantity is total units, items kept as JSON', () => {
    const row = toEventRow(samplePurchase());
    expect(row['quantity']).toBe(3);
    expect(row['revenue_cents']).toBe(3048);
    expect(row['event_time']).toBe(Date.parse('2026-11-27T10:20:00.000Z'));
    expect(JSON.parse(row['items_json'] as string)).toHaveLength(2);
    expect(row['product_id']).toBeNull();
  });

  it('fill every required column for every sample', () => {
    for (const event of [samplePageView(), samplePurchase()]) {
      const row = toEventRow(event);
      for (const col of EVENT_COLUMNS.filter((c) => c.required)) expect(row[col.name]).not.toBeNull();
    }
  });
});
