import { EVENT_COLUMNS, toEventRow } from '@pipeline/events';
import { datasetFromColumns, datasetFromEvents, datasetFromRows, toEpochMillis } from './dataset';
import { addToCart, eventMix, pageView, purchase, removeFromCart, search } from './testing/event-variants';

describe('datasets', () => {
  const events = [pageView(), purchase()];

  it('derives event columns with EVENT_COLUMNS, the same values as stored rows', () => {
    const fromEvents = datasetFromEvents(events);
    const fromRows = datasetFromRows(events.map(toEventRow));
    expect(fromEvents.size).toBe(2);
    for (const column of EVENT_COLUMNS) expect(fromEvents.column(column.name)).toEqual(fromRows.column(column.name));
    expect(fromEvents.column('price_cents')).toEqual([1299, null]);
    expect(fromEvents.column('nope')).toBeUndefined();
    expect(fromEvents.column('event_id')).toBe(fromEvents.column('event_id'));
  });

  it('reads the envelope columns it reads directly exactly as EVENT_COLUMNS does, on every kind', () => {
    const every = [...eventMix(16, '2026-11-27T10:00:00.000Z'), pageView({ page: null }), search(), addToCart(), removeFromCart()];
    const data = datasetFromEvents(every);
    for (const column of EVENT_COLUMNS) expect(data.column(column.name)).toEqual(every.map((event) => column.read(event)));
  });

  it('takes columns the caller computed already, and refuses one of another length', () => {
    const times = events.map((event) => Date.parse(event.event_time));
    const data = datasetFromEvents(events, { event_time: times });
    expect(data.column('event_time')).toBe(times);
    expect(data.column('event_time')).toEqual(datasetFromEvents(events).column('event_time'));
    expect(() => datasetFromEvents(events, { event_time: [1] })).toThrow(/1 values for 2 events/);
  });

  it('reads absent row fields as null and absent columns as missing', () => {
    const rows = datasetFromRows([{ event_id: 'a' }, { event_id: 'b', page: '/x' }]);
    expect(rows.column('page')).toEqual([null, '/x']);
    expect(rows.column('country')).toBeUndefined();
  });

  it('takes ready-made columns of equal length', () => {
    expect(datasetFromColumns({ event_id: ['a', 'b'] }).size).toBe(2);
    expect(datasetFromColumns({}).size).toBe(0);
    expect(() => datasetFromColumns({ event_id: ['a'], event_time: [] })).toThrow(/differ in length/);
  });

  it.each([
    [1_700_000_000_000, 1_700_000_000_000],
    ['2026-11-27T10:00:00.000Z', Date.parse('2026-11-27T10:00:00.000Z')],
    [new Date(5), 5],
    [BigInt(7), 7],
    ['garbage', null],
    [Number.NaN, null],
    [null, null],
  ])('toEpochMillis(%p) = %p', (value, expected) => {
    expect(toEpochMillis(value)).toBe(expected);
  });
});
