import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  computeHourlyPartials,
  computePartial,
  emptyPartial,
  mergePartials,
  mergePartialsInto,
  ordersOf,
  PARTIAL_FORMAT,
  parsePartial,
  serializePartial,
  sessionsAtStage,
  sessionsPerStage,
} from './hourly-partial';
import { hourlyMetricTables, metricTableCsv } from './metric-tables';
import { PartitionPath } from './partition-path';
import { addToCart, eventStream, pageView, purchase, PRODUCTS, removeFromCart, search } from './testing/event-factory';

const HOUR = PartitionPath.parse('year=2026/month=11/day=27/hour=10');
const at = (n: number, minute: number, session = 's-1', device: 'desktop' | 'mobile' = 'desktop') => ({
  n,
  time: `2026-11-27T10:${String(minute).padStart(2, '0')}:00.000Z`,
  session,
  user: `u-${session}`,
  device,
});

describe('hourly partials', () => {
  it('aggregate one hour exactly', () => {
    const [mug, tea] = PRODUCTS;
    const p = computePartial(HOUR, [
      pageView(at(1, 0)),
      pageView(at(2, 1), null),
      search(at(3, 2, 's-2')),
      addToCart(at(4, 3), mug, 2),
      removeFromCart(at(5, 4), mug),
      purchase(at(6, 5, 's-1', 'mobile'), [[mug, 1], [tea, 3]]),
    ]);
    expect(p).toMatchObject({
      hour: 'year=2026/month=11/day=27/hour=10',
      events: 6,
      events_by_type: { page_view: 2, search: 1, add_to_cart: 1, remove_from_cart: 1, purchase: 1 },
      units: 4,
      revenue_cents: 1299 + 30,
      users: ['u-s-1', 'u-s-2'],
    });
    expect(ordersOf(p)).toBe(1);
    expect({ ...p.sessions }).toEqual({ 's-1': 1 | 2 | 4, 's-2': 0 });
    expect({ ...p.products['p-0001'] }).toEqual({
      product_id: 'p-0001', name: 'Blue Mug', category: 'Home', views: 1, add_to_carts: 1, units: 1, revenue_cents: 1299,
    });
    expect({ ...p.products['p-0002'] }).toMatchObject({ views: 0, units: 3, revenue_cents: 30 });
    expect({ ...p.categories }).toEqual({ Grocery: { units: 3, revenue_cents: 30 }, Home: { units: 1, revenue_cents: 1299 } });
    expect({ ...p.devices }).toEqual({
      desktop: { events: 5, orders: 0, revenue_cents: 0 },
      mobile: { events: 1, orders: 1, revenue_cents: 1329 },
    });
    expect(sessionsAtStage(p, 'viewed')).toBe(1);
    expect(sessionsAtStage(p, 'purchased')).toBe(1);
  });

  it('keep cents exact where float money drifts (ten cents times three, many times)', () => {
    const tea = PRODUCTS[1]; // 10 cents
    const events = Array.from({ length: 1000 }, (_, n) => purchase(at(n, n % 60, `s-${n}`), [[tea, 3]]));
    const p = computePartial(HOUR, events);
    let floatDollars = 0;
    for (let i = 0; i < 1000; i++) floatDollars += 0.1 * 3;
    expect(floatDollars).not.toBe(300); // why money is integer cents
    expect(p.revenue_cents).toBe(30_000);
    expect(p.categories['Grocery'].revenue_cents).toBe(30_000);
  });

  it('split by hour, and refuse an event outside the hour', () => {
    const events = eventStream(200, '2026-11-27T09:30:00.000Z', 2);
    const partials = computeHourlyPartials(events);
    expect(partials.map((p) => p.hour)).toEqual([
      'year=2026/month=11/day=27/hour=09',
      'year=2026/month=11/day=27/hour=10',
      'year=2026/month=11/day=27/hour=11',
    ]);
    expect(partials.reduce((n, p) => n + p.events, 0)).toBe(200);
    expect(() => computePartial(HOUR, [pageView({ n: 1, time: '2026-11-27T11:00:00.000Z' })])).toThrow(/not in/);
  });

  it('merge associatively and commutatively, equal to aggregating all events at once', () => {
    const events = eventStream(600, '2026-11-27T10:00:00.000Z', 1, 7);
    const [a, b, c] = [events.slice(0, 150), events.slice(150, 420), events.slice(420)].map((part) => computePartial(HOUR, part));
    const whole = computePartial(HOUR, events);
    const left = mergePartials([mergePartials([a, b]), c]);
    const right = mergePartials([a, mergePartials([b, c])]);
    const reversed = mergePartials([c, b, a]);
    const withIdentity = mergePartials([emptyPartial(HOUR), a, emptyPartial(HOUR), b, c]);
    for (const merged of [left, right, reversed, withIdentity]) {
      expect(serializePartial(merged).toString()).toBe(serializePartial(whole).toString());
    }
    expect(whole.revenue_cents).toBeGreaterThan(0);
    expect(Object.keys(whole.sessions).length).toBeGreaterThan(1);
  });

  it('merge in place, batch by batch, to the figures and tables of a merge of all at once', () => {
    const events = eventStream(900, '2026-11-27T10:00:00.000Z', 1, 11);
    const batches = [0, 90, 200, 470, 610, 900].slice(1).map((end, i, ends) => events.slice(i === 0 ? 0 : ends[i - 1], end));
    const partials = batches.map((batch) => parsePartial(serializePartial(computePartial(HOUR, batch))));
    const live = emptyPartial(HOUR);
    const users = new Set<string>();
    for (const partial of partials) mergePartialsInto(live, users, [partial]);
    const whole = computePartial(HOUR, events);
    // The in-place result is unsorted; its canonical form and its tables are those of the whole hour.
    expect(serializePartial(mergePartials([live])).toString()).toBe(serializePartial(whole).toString());
    expect(hourlyMetricTables(live).map(metricTableCsv)).toEqual(hourlyMetricTables(whole).map(metricTableCsv));
    expect(live.users.length).toBe(users.size);
    expect(users.size).toBe(whole.users.length);
    // A partial merged in place is not changed by later merges into the target.
    const first = serializePartial(partials[0]).toString();
    mergePartialsInto(live, users, [partials[1]]);
    expect(serializePartial(partials[0]).toString()).toBe(first);
  });

  it('merge partials read back from JSON the same as in-memory ones', () => {
    const events = eventStream(100, '2026-11-27T10:00:00.000Z', 1, 3);
    const a = computePartial(HOUR, events.slice(0, 50));
    const b = computePartial(HOUR, events.slice(50));
    const fromDisk = [a, b].map((p) => parsePartial(serializePartial(p)));
    expect(serializePartial(mergePartials(fromDisk))).toEqual(serializePartial(computePartial(HOUR, events)));
  });

  it('refuse to merge different hours and parse only known formats', () => {
    expect(() => mergePartials([emptyPartial(HOUR), emptyPartial(HOUR.next())])).toThrow(/cannot merge/);
    expect(() => mergePartials([])).toThrow();
    expect(mergePartials([], String(HOUR)).events).toBe(0);
    expect(() => parsePartial('{"format":99}')).toThrow(/format/);
  });

  it('read a partial of the previous format (per-kind counters beside events_by_type) as the current one', () => {
    // Written by format 1's code for the six events of the first test (testing/partial-format-1.json).
    const old = readFileSync(path.join(__dirname, 'testing', 'partial-format-1.json'));
    expect(JSON.parse(old.toString())).toMatchObject({ format: 1, page_views: 2, orders: 1 });
    const [mug, tea] = PRODUCTS;
    const current = computePartial(HOUR, [
      pageView(at(1, 0)),
      pageView(at(2, 1), null),
      search(at(3, 2, 's-2')),
      addToCart(at(4, 3), mug, 2),
      removeFromCart(at(5, 4), mug),
      purchase(at(6, 5, 's-1', 'mobile'), [[mug, 1], [tea, 3]]),
    ]);
    const upgraded = parsePartial(old);
    expect(upgraded.format).toBe(PARTIAL_FORMAT);
    expect(serializePartial(upgraded).toString()).toBe(serializePartial(current).toString());
    expect(hourlyMetricTables(upgraded).map(metricTableCsv)).toEqual(hourlyMetricTables(current).map(metricTableCsv));
    // Old and new files of one hour merge (a rollup over an hour written before and after the upgrade).
    expect(serializePartial(mergePartials([upgraded, current])).toString()).toBe(
      serializePartial(mergePartials([current, current])).toString(),
    );
  });

  it('count a session named __proto__ like any other', () => {
    const p = computePartial(HOUR, [addToCart(at(1, 0, '__proto__')), pageView(at(2, 1, 'constructor'))]);
    const back = parsePartial(serializePartial(p));
    const merged = mergePartials([back, back]);
    expect(Object.keys(merged.sessions).sort()).toEqual(['__proto__', 'constructor']);
    expect(sessionsAtStage(merged, 'added_to_cart')).toBe(1);
  });

  it('count sessions per funnel stage in one pass exactly as stage by stage (flags OR-ed across stages)', () => {
    const p = computePartial(HOUR, eventStream(2000, '2026-11-27T10:00:00.000Z', 1).filter((e) => e.event_time < '2026-11-27T11'));
    const perStage = sessionsPerStage(p);
    const byFlag = (flag: number) => Object.values(p.sessions).filter((flags) => (flags & flag) !== 0).length;
    expect(perStage).toEqual({ viewed: byFlag(1), added_to_cart: byFlag(2), purchased: byFlag(4) });
    expect(perStage.viewed).toBeGreaterThan(0);
    expect(perStage.purchased).toBeGreaterThan(0);
  });
});
