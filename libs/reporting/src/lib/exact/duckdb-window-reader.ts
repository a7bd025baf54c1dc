import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { deviceDigestOf, emptyDigest, productDigestOf, type WindowDigest } from './window-digest';

/**
 * Reads windows of raw events with embedded DuckDB, straight from the lake's Parquet files. The caller names
 * the files (built from the storage listing, never a glob), so a remote backend can hand in local copies.
 */

export interface MinutePoint {
  /** Start of the minute, epoch ms. */
  minuteMs: number;
  events: number;
  /** Distinct order ids in the minute. */
  orders: number;
  revenueCents: number;
}

export interface DuckDbWindowReaderOptions {
  /** DuckDB worker threads; the default leaves DuckDB's own choice (one per core). */
  threads?: number;
  /** DuckDB memory limit, e.g. '512MB'. */
  memoryLimit?: string;
}

/** SQL text literal; the paths come from the storage listing, but a quote in one must still not end the string. */
function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function parquetSource(paths: readonly string[]): string {
  return `read_parquet([${paths.map(sqlString).join(', ')}], hive_partitioning = false)`;
}

/** Half-open [fromMs, toMs) on event_time, to the millisecond. */
function windowFilter(fromMs: number, toMs: number): string {
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs)) throw new RangeError(`bad window ${fromMs}..${toMs}`);
  return `event_time >= epoch_ms(${fromMs}::BIGINT) AND event_time < epoch_ms(${toMs}::BIGINT)`;
}

type Row = unknown[];

const FLAGS_SQL = `bit_or(CASE
  WHEN event_type = 'page_view' AND product_id IS NOT NULL THEN 1
  WHEN event_type = 'add_to_cart' THEN 2
  WHEN event_type = 'purchase' THEN 4
  ELSE 0 END)::INTEGER`;

interface LineItemJson {
  product_id: string;
  name: string;
  category: string;
  price_cents: number;
  quantity: number;
}

export class DuckDbWindowReader {
  private instance: Promise<DuckDBInstance> | null = null;

  constructor(private readonly options: DuckDbWindowReaderOptions = {}) {}

  /** The digest of the events of `paths` with event_time in [fromMs, toMs). */
  async digest(paths: readonly string[], fromMs: number, toMs: number): Promise<WindowDigest> {
    const digest = emptyDigest();
    if (paths.length === 0) return digest;
    return this.withConnection(async (db) => {
      // One scan of the files into a temp table of the needed columns, then every figure from it.
      await db.run(`CREATE TEMP TABLE w AS
        SELECT event_type, epoch_ms(event_time) AS t, session_id, user_id, device_type, product_id, product_name, category,
               order_id, revenue_cents, quantity, items_json
        FROM ${parquetSource(paths)} WHERE ${windowFilter(fromMs, toMs)}`);
      const rows = async (sql: string): Promise<Row[]> => (await db.runAndReadAll(sql)).getRowsJS() as Row[];

      for (const [type, device, n, newest] of await rows(
        `SELECT event_type, device_type, count(*)::INTEGER, max(t)::DOUBLE FROM w GROUP BY ALL`,
      )) {
        const count = n as number;
        digest.events += count;
        digest.eventsByType.set(type as string, (digest.eventsByType.get(type as string) ?? 0) + count);
        deviceDigestOf(digest, device as string).events += count;
        if (digest.newestEventMs === null || (newest as number) > digest.newestEventMs) digest.newestEventMs = newest as number;
      }
      for (const [session, flags] of await rows(`SELECT session_id, ${FLAGS_SQL} FROM w GROUP BY session_id`)) {
        digest.sessions.set(session as string, flags as number);
      }
      for (const [user] of await rows(`SELECT DISTINCT user_id FROM w`)) digest.users.add(user as string);
      for (const [productId, name, category, views, carts] of await rows(`
        SELECT product_id, min(product_name), min(category),
               count(*) FILTER (WHERE event_type = 'page_view')::INTEGER, count(*) FILTER (WHERE event_type = 'add_to_cart')::INTEGER
        FROM w WHERE product_id IS NOT NULL AND event_type IN ('page_view', 'add_to_cart') GROUP BY product_id`)) {
        const product = productDigestOf(digest, { productId: productId as string, name: name as string, category: category as string });
        product.views += views as number;
        product.addToCarts += carts as number;
      }
      // Purchases are a small share of the events: their lines are read in JS (no JSON extension needed).
      for (const [orderId, device, revenue, quantity, itemsJson] of await rows(
        `SELECT order_id, device_type, revenue_cents::DOUBLE, quantity::INTEGER, items_json FROM w WHERE event_type = 'purchase'`,
      )) {
        digest.orderIds.add(orderId as string);
        digest.revenueCents += revenue as number;
        digest.units += quantity as number;
        const deviceDigest = deviceDigestOf(digest, device as string);
        deviceDigest.orderIds.add(orderId as string);
        deviceDigest.revenueCents += revenue as number;
        for (const item of JSON.parse(itemsJson as string) as LineItemJson[]) {
          const product = productDigestOf(digest, { productId: item.product_id, name: item.name, category: item.category });
          product.units += item.quantity;
          product.revenueCents += item.price_cents * item.quantity;
        }
      }
      return digest;
    });
  }

  /** Events, distinct orders and revenue per minute of [fromMs, toMs); only minutes with events. */
  async minutes(paths: readonly string[], fromMs: number, toMs: number): Promise<MinutePoint[]> {
    if (paths.length === 0) return [];
    return this.withConnection(async (db) => {
      const reader = await db.runAndReadAll(`
        SELECT (epoch_ms(event_time) // 60000 * 60000)::DOUBLE AS minute, count(*)::INTEGER,
               count(DISTINCT order_id)::INTEGER, coalesce(sum(revenue_cents), 0)::DOUBLE
        FROM ${parquetSource(paths)} WHERE ${windowFilter(fromMs, toMs)} GROUP BY 1 ORDER BY 1`);
      return (reader.getRowsJS() as Row[]).map(([minuteMs, events, orders, revenueCents]) => ({
        minuteMs: minuteMs as number,
        events: events as number,
        orders: orders as number,
        revenueCents: revenueCents as number,
      }));
    });
  }

  /** The newest event_time before `beforeMs` in the files, or null. */
  async newestEventBefore(paths: readonly string[], beforeMs: number): Promise<number | null> {
    if (paths.length === 0) return null;
    return this.withConnection(async (db) => {
      const reader = await db.runAndReadAll(
        `SELECT max(epoch_ms(event_time))::DOUBLE FROM ${parquetSource(paths)} WHERE event_time < epoch_ms(${beforeMs}::BIGINT)`,
      );
      const [[newest]] = reader.getRowsJS() as Row[];
      return (newest as number | null) ?? null;
    });
  }

  close(): void {
    const instance = this.instance;
    this.instance = null;
    void instance?.then((i) => i.closeSync()).catch(() => undefined);
  }

  private async withConnection<T>(work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
    this.instance ??= DuckDBInstance.create(':memory:', {
      ...(this.options.threads ? { threads: String(this.options.threads) } : {}),
      ...(this.options.memoryLimit ? { memory_limit: this.options.memoryLimit } : {}),
    });
    const db = await (await this.instance).connect();
    try {
      return await work(db);
    } finally {
      db.closeSync();
    }
  }
}
