import { decodeEvent, encodeEvent, lineItemsRevenueCents, type ShopEvent } from '@pipeline/events';
import { isISO31661Alpha2 } from 'class-validator';
import { ClickstreamSimulation } from './simulation';

const START = Date.parse('2026-11-27T00:00:00.000Z');

function events(sim: ClickstreamSimulation, n: number): ShopEvent[] {
  const out: ShopEvent[] = [];
  for (let i = 0; i < n; i++) out.push(sim.nextEvent());
  return out;
}

function bySession(stream: ShopEvent[]): Map<string, ShopEvent[]> {
  const sessions = new Map<string, ShopEvent[]>();
  for (const e of stream) {
    const list = sessions.get(e.session_id);
    if (list) list.push(e);
    else sessions.set(e.session_id, [e]);
  }
  return sessions;
}

describe('ClickstreamSimulation', () => {
  describe('funnel invariants over many sessions', () => {
    // Checks collect violations in plain loops and assert once: an expect() per event would dominate the runtime.
    const stream = events(new ClickstreamSimulation({ seed: 11, startTime: START }), 60_000);
    const sessions = bySession(stream);

    it('covers tens of thousands of sessions and every event type', () => {
      expect(sessions.size).toBeGreaterThan(10_000);
      const types = new Set(stream.map((e) => e.event_type));
      expect([...types].sort()).toEqual(['add_to_cart', 'page_view', 'purchase', 'remove_from_cart', 'search']);
    });

    it('never purchases without an earlier add_to_cart, and buys exactly the cart (after removes)', () => {
      let purchases = 0;
      const violations: string[] = [];
      for (const [id, list] of sessions) {
        const cart = new Map<string, number>();
        for (const e of list) {
          if (e.event_type === 'add_to_cart') cart.set(e.product.product_id, (cart.get(e.product.product_id) ?? 0) + e.quantity);
          if (e.event_type === 'remove_from_cart') {
            const left = (cart.get(e.product.product_id) ?? 0) - e.quantity;
            if (left < 0) violations.push(`${id}: removed more than was in the cart`);
            if (left <= 0) cart.delete(e.product.product_id);
            else cart.set(e.product.product_id, left);
          }
          if (e.event_type === 'purchase') {
            purchases++;
            const bought = JSON.stringify(e.items.map((i) => [i.product_id, i.quantity]));
            if (cart.size === 0) violations.push(`${id}: purchase without a cart`);
            else if (bought !== JSON.stringify([...cart])) violations.push(`${id}: bought ${bought}, cart ${JSON.stringify([...cart])}`);
            cart.clear();
          }
        }
      }
      expect(violations).toEqual([]);
      expect(purchases).toBeGreaterThan(100);
    });

    it('has revenue_cents equal to the sum of price * quantity, in integer cents', () => {
      const purchases = stream.filter((e) => e.event_type === 'purchase');
      const wrong = purchases.filter(
        (e) =>
          e.revenue_cents !== e.items.reduce((sum, i) => sum + i.price_cents * i.quantity, 0) ||
          e.revenue_cents !== lineItemsRevenueCents(e.items) ||
          !Number.isInteger(e.revenue_cents),
      );
      expect(purchases.length).toBeGreaterThan(100);
      expect(wrong).toEqual([]);
    });

    it('keeps event times non-decreasing, globally and within each session', () => {
      const backwards: string[] = [];
      for (let i = 1; i < stream.length; i++) {
        if (Date.parse(stream[i].event_time) < Date.parse(stream[i - 1].event_time)) backwards.push(`global #${i}`);
      }
      for (const [id, list] of sessions) {
        for (let i = 1; i < list.length; i++) if (list[i].event_time < list[i - 1].event_time) backwards.push(`${id} #${i}`);
      }
      expect(backwards).toEqual([]);
      expect(Date.parse(stream[0].event_time)).toBeGreaterThanOrEqual(START);
      expect(Date.parse(stream[stream.length - 1].event_time)).toBeGreaterThan(START + 3_600_000);
    });

    it('keeps one user, device and country per session', () => {
      const identity = (e: ShopEvent) => JSON.stringify([e.user_id, e.device, e.country, e.referrer]);
      const mixed = [...sessions].filter(([, list]) => new Set(list.map(identity)).size !== 1).map(([id]) => id);
      expect(mixed).toEqual([]);
      // ...while different sessions do differ.
      expect(new Set([...sessions.values()].map((list) => identity(list[0]))).size).toBeGreaterThan(1000);
    });

    it('lands on a page view and interleaves many sessions', () => {
      expect([...sessions.values()].filter((list) => list[0].event_type !== 'page_view')).toEqual([]);
      // Among the first 200 events, many different sessions take turns.
      expect(new Set(stream.slice(0, 200).map((e) => e.session_id)).size).toBeGreaterThan(40);
    });

    it('converts ~2-4% of sessions, with a realistic funnel shape', () => {
      // Sessions still open at the cut-off are not finished; count only those that started in the first 80%.
      const cutoff = stream[Math.floor(stream.length * 0.8)].event_time;
      const finished = [...sessions.values()].filter((list) => list[0].event_time < cutoff);
      const converted = finished.filter((list) => list.some((e) => e.event_type === 'purchase')).length;
      const carted = finished.filter((list) => list.some((e) => e.event_type === 'add_to_cart')).length;
      const bounced = finished.filter((list) => list.length === 1).length;
      expect(converted / finished.length).toBeGreaterThan(0.02);
      expect(converted / finished.length).toBeLessThan(0.04);
      expect(carted / finished.length).toBeGreaterThan(0.07);
      expect(carted / finished.length).toBeLessThan(0.11);
      expect(bounced / finished.length).toBeGreaterThan(0.25);
      expect(bounced / finished.length).toBeLessThan(0.5);
    });

    it('draws devices and countries with realistic, consistent mixes', () => {
      const firsts = [...sessions.values()].map((list) => list[0]);
      const share = (pred: (e: ShopEvent) => boolean) => firsts.filter(pred).length / firsts.length;
      expect(share((e) => e.device.type === 'mobile')).toBeCloseTo(0.55, 1);
      expect(share((e) => e.device.type === 'desktop')).toBeCloseTo(0.4, 1);
      expect(share((e) => e.device.type === 'tablet')).toBeGreaterThan(0.02);
      expect(share((e) => e.device.type === 'tablet')).toBeLessThan(0.09);
      expect(share((e) => e.country === 'US')).toBeGreaterThan(0.25);
      const osByType: Record<string, string[]> = { mobile: ['iOS', 'Android'], desktop: ['Windows', 'macOS', 'Linux'], tablet: ['iPadOS', 'Android'] };
      const inconsistent = firsts.filter(
        ({ device: d }) =>
          !osByType[d.type].includes(d.os) ||
          (d.browser === 'Safari' && !['iOS', 'iPadOS', 'macOS'].includes(d.os)) ||
          (d.browser === 'Edge' && d.os !== 'Windows') ||
          (d.browser === 'Samsung Internet' && d.os !== 'Android'),
      );
      expect(inconsistent).toEqual([]);
      expect(firsts.filter((e) => !isISO31661Alpha2(e.country))).toEqual([]);
      expect(new Set(firsts.map((e) => e.country)).size).toBeGreaterThan(10);
    });

    it('reports plausible search result counts, including some empty searches', () => {
      const searches = stream.filter((e) => e.event_type === 'search');
      expect(searches.length).toBeGreaterThan(1000);
      expect(searches.some((e) => e.results_count === 0)).toBe(true);
      expect(searches.filter((e) => e.results_count > 0).length / searches.length).toBeGreaterThan(0.8);
      expect(Math.max(...searches.map((e) => e.results_count))).toBeLessThanOrEqual(200);
    });
  });

  it('produces only events that pass the contract (20,000 events)', () => {
    const sim = new ClickstreamSimulation({ seed: 5, startTime: START });
    const problems: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const message = sim.next();
      const decoded = decodeEvent(message.value);
      if (!decoded.ok) problems.push(`#${i} rejected: ${decoded.reason} ${decoded.details.join('; ')}`);
      else if (message.key !== decoded.event.session_id || message.eventType !== decoded.event.event_type || message.fault) {
        problems.push(`#${i} key/eventType/fault do not match the body`);
      }
    }
    expect(problems).toEqual([]);
  });

  describe('determinism', () => {
    const bytes = (options: ConstructorParameters<typeof ClickstreamSimulation>[0], n = 5_000) => {
      const sim = new ClickstreamSimulation(options);
      return Buffer.concat(sim.take(n).flatMap((m) => [Buffer.from(m.key), m.value, Buffer.from(JSON.stringify(m.headers))]));
    };

    it('gives byte-identical streams for the same seed, options and start time', () => {
      const a = bytes({ seed: 99, startTime: START, badRatio: 0.1 });
      const b = bytes({ seed: 99, startTime: START, badRatio: 0.1 });
      expect(a.equals(b)).toBe(true);
    });

    it('gives a different stream for a different seed or start time', () => {
      const a = bytes({ seed: 99, startTime: START }, 500);
      expect(a.equals(bytes({ seed: 100, startTime: START }, 500))).toBe(false);
      expect(a.equals(bytes({ seed: 99, startTime: START + 1 }, 500))).toBe(false);
    });

    it('keeps the clean events unchanged when fault injection is switched on', () => {
      const clean = new ClickstreamSimulation({ seed: 3, startTime: START }).take(2_000);
      const mixed = new ClickstreamSimulation({ seed: 3, startTime: START, badRatio: 0.2 }).take(2_000);
      const untouched = mixed.filter((m, i) => m.fault === null && m.value.equals(clean[i].value));
      expect(untouched.length).toBe(mixed.filter((m) => m.fault === null).length);
    });
  });

  describe('real clock', () => {
    it('stamps events with now() and never steps back when the clock does', () => {
      const times = [START + 5_000, START + 5_000, START + 4_000, START + 9_000];
      const sim = new ClickstreamSimulation({ seed: 1, now: () => times.shift() ?? START + 10_000 });
      // The first reading went to the constructor (session schedule origin).
      expect(sim.nextEvent().event_time).toBe(new Date(START + 5_000).toISOString());
      expect(sim.nextEvent().event_time).toBe(new Date(START + 5_000).toISOString()); // 4,000 is in the past
      expect(sim.nextEvent().event_time).toBe(new Date(START + 9_000).toISOString());
    });
  });

  it('honours the size options', () => {
    const sim = new ClickstreamSimulation({ seed: 1, startTime: START, catalogSize: 12, userCount: 30 });
    expect(sim.products).toHaveLength(12);
    expect(sim.users).toHaveLength(30);
    const stream = events(sim, 3_000);
    expect(new Set(stream.flatMap((e) => ('product' in e && e.product ? [e.product.product_id] : []))).size).toBe(12);
    expect(new Set(stream.map((e) => e.user_id)).size).toBe(30);
  });

  it('runs one session at a time with concurrentSessions = 1 (no interleaving)', () => {
    const stream = events(new ClickstreamSimulation({ seed: 2, startTime: START, concurrentSessions: 1 }), 2_000);
    const runs = stream.filter((e, i) => i === 0 || e.session_id !== stream[i - 1].session_id).length;
    expect(runs).toBe(new Set(stream.map((e) => e.session_id)).size);
    const interleaved = events(new ClickstreamSimulation({ seed: 2, startTime: START, concurrentSessions: 50 }), 2_000);
    const interleavedRuns = interleaved.filter((e, i) => i === 0 || e.session_id !== interleaved[i - 1].session_id).length;
    expect(interleavedRuns).toBeGreaterThan(new Set(interleaved.map((e) => e.session_id)).size);
  });

  it.each([
    [{ catalogSize: 0 }, /catalogSize/],
    [{ userCount: 1.5 }, /userCount/],
    [{ concurrentSessions: -1 }, /concurrentSessions/],
    [{ badRatio: 1.5 }, /badRatio/],
    [{ addToCartRate: -0.1 }, /addToCartRate/],
    [{ meanThinkTimeMs: 0 }, /meanThinkTimeMs/],
    [{ faultKinds: [] }, /faultKinds/],
    [{ faultKinds: ['bogus' as never] }, /bogus/],
    [{ seed: 1.5 }, /seed/],
  ])('rejects bad options %p', (options, message) => {
    expect(() => new ClickstreamSimulation(options)).toThrow(message);
  });

  it('encodes clean messages exactly like encodeEvent', () => {
    const a = new ClickstreamSimulation({ seed: 8, startTime: START });
    const b = new ClickstreamSimulation({ seed: 8, startTime: START });
    for (let i = 0; i < 50; i++) {
      const message = a.next();
      const encoded = encodeEvent(b.nextEvent());
      expect(message).toEqual({ ...encoded, eventType: message.eventType, fault: null });
    }
  });
});
