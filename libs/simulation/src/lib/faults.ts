import { encodeEvent, eventKind, HEADER_EVENT_TYPE, type RejectReason, type ShopEvent } from '@pipeline/events';
import type { Product } from './catalog';
import { SHOP_CURRENCY } from './catalog';
import type { SeededRandom } from './random';

export const FAULT_KINDS = [
  'missing_field',
  'null_value',
  'wrong_type',
  'negative_price',
  'absurd_price',
  'zero_quantity',
  'future_timestamp',
  'ancient_timestamp',
  'duplicate_event_id',
  'unknown_event_type',
  'invalid_json',
  'invalid_utf8',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

/** Every injected message carries this header, so tests and dashboards can tell injected faults from real ones. */
export const HEADER_INJECTED_FAULT = 'x-injected-fault';
/** What exactly was broken (a field path or variant), for debugging a quality rule that missed it. */
export const HEADER_INJECTED_FAULT_DETAIL = 'x-injected-fault-detail';

/**
 * Who catches each fault: the contract (`decodeEvent` from @pipeline/events, which sends the message to
 * the DLQ with that reason) or only the later data-quality rules, because the message is a well-formed event.
 *
 * | fault              | what is broken                                                    | decodeEvent            |
 * |--------------------|-------------------------------------------------------------------|------------------------|
 * | missing_field      | a required envelope field is absent                               | rejects: schema_violation |
 * | null_value         | a required field is null                                          | rejects: schema_violation |
 * | wrong_type         | a field has the wrong JSON type (price as "12.99", time as number)| rejects: schema_violation |
 * | negative_price     | a price_cents < 0 (product or purchase line)                      | rejects: schema_violation |
 * | absurd_price       | a price_cents > 100,000,000 (> 1,000,000 USD)                     | rejects: schema_violation (contract's MAX_PRICE_CENTS is exactly 1,000,000 USD) |
 * | zero_quantity      | quantity 0 on a cart event or a purchase line                     | rejects: schema_violation |
 * | unknown_event_type | event_type is not one of the five                                 | rejects: unknown_event_type |
 * | invalid_json       | the bytes are not JSON                                            | rejects: invalid_json  |
 * | invalid_utf8       | the bytes are not UTF-8                                           | rejects: invalid_utf8  |
 * | future_timestamp   | event_time > 1 h ahead of the simulation clock                    | accepts: quality rule (clock skew) |
 * | ancient_timestamp  | event_time > 1 year behind the simulation clock                   | accepts: quality rule (stale event) |
 * | duplicate_event_id | a valid event reusing an event_id already emitted                 | accepts: quality rule / dedup |
 */
export const FAULT_CONTRACT_VERDICT: Readonly<Record<FaultKind, RejectReason | 'accepted'>> = {
  missing_field: 'schema_violation',
  null_value: 'schema_violation',
  wrong_type: 'schema_violation',
  negative_price: 'schema_violation',
  absurd_price: 'schema_violation',
  zero_quantity: 'schema_violation',
  unknown_event_type: 'unknown_event_type',
  invalid_json: 'invalid_json',
  invalid_utf8: 'invalid_utf8',
  future_timestamp: 'accepted',
  ancient_timestamp: 'accepted',
  duplicate_event_id: 'accepted',
};

/** One message as the generator hands it to a sink (Kafka, stdout, a test). */
export interface GeneratedMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  /** event_type for stats; the bogus type for unknown_event_type; null if the value is unparseable. */
  eventType: string | null;
  fault: FaultKind | null;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const YEAR_MS = 365 * DAY_MS;
/** 1,000,000 USD in cents: an absurd price is strictly above it. */
export const ABSURD_PRICE_THRESHOLD_CENTS = 100_000_000;
/** How many recent event ids a duplicate may be drawn from. */
const RECENT_ID_CAPACITY = 256;

const REQUIRED_ENVELOPE_FIELDS = ['event_id', 'schema_version', 'event_time', 'user_id', 'session_id', 'device', 'country'];
const UNKNOWN_EVENT_TYPES = ['page_veiw', 'checkout_started', 'wishlist_add', 'PageView', 'click', 'purchase_v2'];
/** Byte sequences a strict UTF-8 decoder must refuse: bad lead byte, bad continuation, lone continuation, overlong, surrogate. */
const INVALID_UTF8_SEQUENCES = [[0xff], [0xc3, 0x28], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80]];

type Plain = Record<string, unknown>;

/**
 * Turns a clean event into a message that breaks exactly one rule. Draws from its own random stream, so
 * switching faults on does not change the clean events around them.
 */
export class FaultInjector {
  private readonly recentIds: string[] = [];
  private recentNext = 0;

  constructor(
    private readonly rng: SeededRandom,
    private readonly products: readonly Product[],
  ) {}

  /** Remembers a clean event id that a later duplicate_event_id may reuse. */
  remember(eventId: string): void {
    if (this.recentIds.length < RECENT_ID_CAPACITY) this.recentIds.push(eventId);
    else this.recentIds[this.recentNext] = eventId;
    this.recentNext = (this.recentNext + 1) % RECENT_ID_CAPACITY;
  }

  /**
   * The corrupted message, or null when the fault cannot apply yet (a duplicate before any id was emitted).
   * `clockMs` is the simulation clock the timestamps are skewed against.
   */
  corrupt(kind: FaultKind, event: ShopEvent, clockMs: number): GeneratedMessage | null {
    const encoded = encodeEvent(event);
    const plain = JSON.parse(encoded.value.toString('utf8')) as Plain;
    let detail: string;
    let value: Buffer | null = null;
    switch (kind) {
      case 'missing_field':
        detail = this.rng.pick(REQUIRED_ENVELOPE_FIELDS);
        delete plain[detail];
        break;
      case 'null_value':
        detail = this.rng.pick([...REQUIRED_ENVELOPE_FIELDS.filter((f) => f !== 'schema_version'), ...typeFields(event)]);
        plain[detail] = null;
        break;
      case 'wrong_type':
        detail = this.wrongType(plain, event);
        break;
      case 'negative_price':
        detail = this.setPrice(plain, (price) => -this.rng.int(1, Math.max(1, price)));
        break;
      case 'absurd_price':
        detail = this.setPrice(plain, () => this.rng.int(ABSURD_PRICE_THRESHOLD_CENTS + 1, 50 * ABSURD_PRICE_THRESHOLD_CENTS));
        break;
      case 'zero_quantity':
        detail = this.zeroQuantity(plain);
        break;
      case 'future_timestamp': {
        const ahead = HOUR_MS + this.rng.int(60_000, 30 * DAY_MS);
        plain['event_time'] = new Date(clockMs + ahead).toISOString();
        detail = `event_time +${ahead}ms`;
        break;
      }
      case 'ancient_timestamp': {
        const behind = YEAR_MS + this.rng.int(DAY_MS, 9 * YEAR_MS);
        plain['event_time'] = new Date(clockMs - behind).toISOString();
        detail = `event_time -${behind}ms`;
        break;
      }
      case 'duplicate_event_id':
        if (this.recentIds.length === 0) return null;
        detail = this.rng.pick(this.recentIds);
        plain['event_id'] = detail;
        break;
      case 'unknown_event_type':
        detail = this.rng.pick(UNKNOWN_EVENT_TYPES);
        plain['event_type'] = detail;
        break;
      case 'invalid_json':
        ({ value, detail } = this.invalidJson(JSON.stringify(plain)));
        break;
      case 'invalid_utf8':
        ({ value, detail } = this.invalidUtf8(encoded.value));
        break;
    }
    const parseable = kind !== 'invalid_json' && kind !== 'invalid_utf8';
    const eventType = parseable && typeof plain['event_type'] === 'string' ? (plain['event_type'] as string) : null;
    return {
      key: encoded.key,
      value: value ?? Buffer.from(JSON.stringify(plain), 'utf8'),
      headers: {
        ...encoded.headers,
        // The header follows the body when a fault changed the type (unknown type, price-less event rewritten).
        ...(eventType !== null ? { [HEADER_EVENT_TYPE]: eventType } : {}),
        [HEADER_INJECTED_FAULT]: kind,
        [HEADER_INJECTED_FAULT_DETAIL]: detail,
      },
      eventType,
      fault: kind,
    };
  }

  private wrongType(plain: Plain, event: ShopEvent): string {
    const options: Array<[string, () => void]> = [
      ['event_time', () => (plain['event_time'] = Date.parse(event.event_time))],
      ['schema_version', () => (plain['schema_version'] = String(event.schema_version))],
      ['device', () => (plain['device'] = `${event.device.os} ${event.device.browser}`)],
      ['user_id', () => (plain['user_id'] = Number(event.user_id.replace(/\D/g, '')))],
    ];
    const product = plain['product'] as Plain | null | undefined;
    if (product) {
      options.push(['product.price_cents', () => (product['price_cents'] = dollars(product['price_cents'] as number))]);
    }
    if ('quantity' in event) {
      options.push(['quantity', () => (plain['quantity'] = String(event.quantity))]);
    }
    if (event.event_type === 'search') {
      options.push(['results_count', () => (plain['results_count'] = String(event.results_count))]);
    }
    if (event.event_type === 'purchase') {
      options.push(['revenue_cents', () => (plain['revenue_cents'] = dollars(event.revenue_cents))]);
      const items = plain['items'] as Plain[];
      options.push(['items.0.price_cents', () => (items[0]['price_cents'] = dollars(items[0]['price_cents'] as number))]);
    }
    const [path, apply] = this.rng.pick(options);
    apply();
    return path;
  }

  /**
   * Sets a price on the event's product or on one purchase line (keeping revenue = sum of lines, so the
   * price is the only thing wrong). Events without a price become a product page view first.
   */
  private setPrice(plain: Plain, price: (current: number) => number): string {
    if (Array.isArray(plain['items'])) {
      const items = plain['items'] as Plain[];
      const index = this.rng.int(0, items.length - 1);
      items[index]['price_cents'] = price(items[index]['price_cents'] as number);
      plain['revenue_cents'] = items.reduce((sum, i) => sum + (i['price_cents'] as number) * (i['quantity'] as number), 0);
      return `items.${index}.price_cents`;
    }
    if (!plain['product']) this.becomeProductEvent(plain, 'page_view');
    const product = plain['product'] as Plain;
    product['price_cents'] = price(product['price_cents'] as number);
    return 'product.price_cents';
  }

  private zeroQuantity(plain: Plain): string {
    if (Array.isArray(plain['items'])) {
      const items = plain['items'] as Plain[];
      const index = this.rng.int(0, items.length - 1);
      items[index]['quantity'] = 0;
      plain['revenue_cents'] = items.reduce((sum, i) => sum + (i['price_cents'] as number) * (i['quantity'] as number), 0);
      return `items.${index}.quantity`;
    }
    if (!('quantity' in plain)) this.becomeProductEvent(plain, 'add_to_cart');
    plain['quantity'] = 0;
    return 'quantity';
  }

  /** Rewrites a price-less event (search, home page) into one about a product, envelope unchanged. */
  private becomeProductEvent(plain: Plain, type: 'page_view' | 'add_to_cart'): void {
    const product = this.rng.pick(this.products);
    for (const key of ['query', 'results_count']) delete plain[key];
    plain['event_type'] = type;
    plain['page'] = `/product/${product.product_id}`;
    plain['product'] = {
      product_id: product.product_id,
      name: product.name,
      category: product.category,
      price_cents: product.price_cents,
      currency: SHOP_CURRENCY,
    };
    if (type === 'add_to_cart') plain['quantity'] = 1;
  }

  private invalidJson(json: string): { value: Buffer; detail: string } {
    const variant = this.rng.int(0, 2);
    // Each variant is a classic producer bug; none is valid JSON.
    const [text, detail] =
      variant === 0
        ? [json.slice(0, this.rng.int(1, json.length - 1)), 'truncated']
        : variant === 1
          ? [`${json.slice(0, -1)},}`, 'trailing comma']
          : [json.replace(/"(\w+)":/, "'$1':"), 'single-quoted key'];
    return { value: Buffer.from(text, 'utf8'), detail };
  }

  /** Splices an invalid byte sequence into the user_id string, so the rest still looks like the event. */
  private invalidUtf8(bytes: Buffer): { value: Buffer; detail: string } {
    const sequence = this.rng.pick(INVALID_UTF8_SEQUENCES);
    const marker = Buffer.from('"user_id":"', 'utf8');
    const at = bytes.indexOf(marker) + marker.length;
    const value = Buffer.concat([bytes.subarray(0, at), Buffer.from(sequence), bytes.subarray(at)]);
    return { value, detail: sequence.map((b) => b.toString(16).padStart(2, '0')).join(' ') };
  }
}

/** The fields, beyond the envelope, that an event of this type must have non-null (from the kind's module). */
function typeFields(event: ShopEvent): string[] {
  const kind = eventKind(event.event_type);
  return kind.keys.filter((key) => !kind.nullableKeys.includes(key));
}

/** The classic wrong type: money as a decimal string ("12.99") instead of integer cents. */
function dollars(cents: number): string {
  return (cents / 100).toFixed(2);
}
