import type { EventColumnName } from '../event-columns';
import type { LineItem } from '../event.types';
import type { EventEnvelope } from './envelope';
import type { EventRow } from './row-values';

/**
 * Everything about one event kind, in one module per kind (page-view.ts, search.ts, cart.ts, purchase.ts).
 * The registry (event-kinds.ts) lists the kinds; every list of kinds in the workspace (EVENT_TYPES, the DTO map,
 * the fast check, stored columns, quality fields, row decoding, metric columns, chart palette, OpenAPI enum) is
 * derived from it. The envelope (envelope.ts) holds what all kinds share.
 */
export interface EventKind<E extends EventEnvelope = EventEnvelope> {
  /** The `event_type` value. */
  readonly type: E['event_type'];
  /** The contract: a class-validator DTO (extends EnvelopeDto). */
  readonly dto: new () => object;
  /** The keys an event of this kind may have beyond the envelope's. */
  readonly keys: readonly string[];
  /** Keys of `keys` that may be null or absent; every other key is required non-null. */
  readonly nullableKeys: readonly string[];
  /**
   * The kind's part of the precompiled mirror of the DTO (see event-fast-check.ts): true only when the
   * kind-specific fields certainly pass the DTO's decorators. Key set and envelope are checked by the caller.
   */
  isCertainlyValid(event: Readonly<Record<string, unknown>>): boolean;
  /** How the kind fills the stored columns it uses (EVENT_COLUMNS names); columns not listed stay null. */
  readonly columns: KindColumnReads<E>;
  /** The fields the quality rules' required / data-type checks look at, beyond the envelope's. */
  readonly qualityFields: readonly QualityField<E>[];
  /** Rebuilds the event from a stored row (the inverse of the column reads); the envelope is already decoded. */
  fromRow(row: EventRow, envelope: EnvelopeFields): E;
  /** A small valid event, for tests across the workspace. */
  sample(): E;
  /** Column of the hourly summary table that counts events of this kind (e.g. `page_views`). */
  readonly countColumn: string;
  /** Chart legend label. */
  readonly label: string;
  /** Chart colour (one meaning on every chart). */
  readonly colour: string;
}

export type EnvelopeFields = Omit<EventEnvelope, 'event_type'>;

export type ColumnValue = string | number;

export type KindColumnReads<E> = Readonly<Partial<Record<EventColumnName, (event: E) => ColumnValue | null | undefined>>>;

/** Field types the quality rules check (see libs/quality event-fields.ts). */
export type QualityFieldType = 'string' | 'integer' | 'timestamp' | 'array' | 'object';

/**
 * A field the quality rules look at, named by its stored column. Reads are null-safe views of the raw field
 * (rules also see events that are not what their type says), unlike the column reads, which derive stored values.
 */
export interface QualityField<E = EventEnvelope> {
  column: EventColumnName;
  type: QualityFieldType;
  /** Null, undefined, '' or [] fail the required rule. */
  required: boolean;
  read?: (event: E) => unknown;
  /** For fields of every purchase line. */
  readItem?: (item: LineItem) => unknown;
}

/** Loose view of an event: rules and fast checks must survive events that are not what their type says. */
export type LooseObject = Record<string, unknown>;
export const loose = (event: unknown): LooseObject => event as LooseObject;
