import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Equals,
  IsIn,
  IsISO31661Alpha2,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
  buildMessage,
} from 'class-validator';
import type { EventType } from '../event-kinds';
import { DEVICE_TYPES, SCHEMA_VERSION, type Device, type DeviceType } from '../event.types';
import { eventTimeMillis, parseIsoUtcMillis } from '../event-time-parsing';
import { hasOnlyKeys, isPlainObject, optionalString, requiredString } from './checks';
import { loose, type EnvelopeFields, type KindColumnReads, type LooseObject, type QualityField } from './event-kind';
import { rowNumber, rowOptionalText, rowText, type EventRow } from './row-values';
import { equals, isIn, isISO31661Alpha2, isString, isUUID, matchesPattern } from './validator-functions';

/**
 * event_time's contract: the shape `YYYY-MM-DDTHH:mm:ss.sssZ` and a real instant (no month 13, no 30 February, no
 * hour 24). The shape alone let such times through to be refused later as a quality rule, under the wrong reason.
 */
export function isIsoUtcMillisInstant(value: unknown): boolean {
  return typeof value === 'string' && !Number.isNaN(parseIsoUtcMillis(value));
}

const UPPER_ALPHA2 = /^[A-Z]{2}$/;

/**
 * country's contract: an ISO 3166-1 alpha-2 code as the standard writes it, upper-case. validator.js's
 * isISO31661Alpha2 also takes `de`, which the stored data, the reports and the country rule do not.
 */
export function isUpperCaseCountryCode(value: unknown): boolean {
  return matchesPattern(value, UPPER_ALPHA2) && isISO31661Alpha2(value);
}

function IsIsoUtcMillisInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isIsoUtcMillisInstant',
    validator: {
      validate: (value: unknown) => isIsoUtcMillisInstant(value),
      defaultMessage: buildMessage(
        (each) => `${each}$property must be an ISO-8601 UTC time with milliseconds (YYYY-MM-DDTHH:mm:ss.sssZ) of a real date and time`,
      ),
    },
  });
}

/** The fields every event kind carries. */
export interface EventEnvelope {
  event_id: string;
  event_type: EventType;
  schema_version: number;
  /** ISO-8601 UTC with millisecond precision, e.g. 2026-11-27T16:49:01.123Z. */
  event_time: string;
  user_id: string;
  session_id: string;
  device: Device;
  /** ISO 3166-1 alpha-2. */
  country: string;
  page: string | null;
  referrer: string | null;
}

export class DeviceDto implements Device {
  @IsIn(DEVICE_TYPES)
  type!: DeviceType;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  os!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  browser!: string;
}

/** The envelope's contract; each kind's DTO extends it. */
export abstract class EnvelopeDto {
  @IsUUID()
  event_id!: string;

  @Equals(SCHEMA_VERSION)
  schema_version!: number;

  @IsString()
  @IsIsoUtcMillisInstant()
  event_time!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  user_id!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  session_id!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => DeviceDto)
  device!: DeviceDto;

  @Matches(UPPER_ALPHA2, { message: 'country must be an upper-case ISO 3166-1 alpha-2 code' })
  @IsISO31661Alpha2()
  country!: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  page!: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  referrer!: string | null;
}

export const ENVELOPE_KEYS: readonly string[] = [
  'event_id',
  'event_type',
  'schema_version',
  'event_time',
  'user_id',
  'session_id',
  'device',
  'country',
  'page',
  'referrer',
];

const DEVICE_KEYS: ReadonlySet<string> = new Set(['type', 'os', 'browser']);

/** The envelope's part of the precompiled DTO mirror (event_type is checked by the registry lookup). */
export function envelopeIsCertainlyValid(event: Readonly<Record<string, unknown>>): boolean {
  return (
    isUUID(event['event_id']) &&
    equals(event['schema_version'], SCHEMA_VERSION) &&
    isIsoUtcMillisInstant(event['event_time']) &&
    requiredString(event['user_id'], 64) &&
    requiredString(event['session_id'], 64) &&
    deviceIsValid(event['device']) &&
    isUpperCaseCountryCode(event['country']) &&
    optionalString(event['page'], 512) &&
    optionalString(event['referrer'], 512)
  );
}

function deviceIsValid(value: unknown): boolean {
  if (!isPlainObject(value) || !hasOnlyKeys(value, DEVICE_KEYS)) return false;
  return isIn(value['type'], DEVICE_TYPES) && requiredString(value['os'], 64) && requiredString(value['browser'], 64);
}

/** The envelope's stored columns, filled for every kind. */
export const ENVELOPE_COLUMNS: KindColumnReads<EventEnvelope> = {
  event_id: (e) => e.event_id,
  event_type: (e) => e.event_type,
  schema_version: (e) => e.schema_version,
  event_time: (e) => eventTimeMillis(e.event_time),
  user_id: (e) => e.user_id,
  session_id: (e) => e.session_id,
  device_type: (e) => e.device.type,
  device_os: (e) => e.device.os,
  device_browser: (e) => e.device.browser,
  country: (e) => e.country,
  page: (e) => e.page,
  referrer: (e) => e.referrer,
};

const deviceOf = (event: EventEnvelope) => loose(event)['device'] as LooseObject | null | undefined;

/** The envelope's fields for the quality rules (they apply to every kind). */
export const ENVELOPE_QUALITY_FIELDS: readonly QualityField<EventEnvelope>[] = [
  { column: 'event_id', type: 'string', required: true, read: (e) => e.event_id },
  { column: 'event_type', type: 'string', required: true, read: (e) => e.event_type },
  { column: 'schema_version', type: 'integer', required: true, read: (e) => e.schema_version },
  { column: 'event_time', type: 'timestamp', required: true, read: (e) => e.event_time },
  { column: 'user_id', type: 'string', required: true, read: (e) => e.user_id },
  { column: 'session_id', type: 'string', required: true, read: (e) => e.session_id },
  { column: 'device_type', type: 'string', required: true, read: (e) => deviceOf(e)?.['type'] },
  { column: 'device_os', type: 'string', required: true, read: (e) => deviceOf(e)?.['os'] },
  { column: 'device_browser', type: 'string', required: true, read: (e) => deviceOf(e)?.['browser'] },
  { column: 'country', type: 'string', required: true, read: (e) => e.country },
  { column: 'page', type: 'string', required: false, read: (e) => e.page },
  { column: 'referrer', type: 'string', required: false, read: (e) => e.referrer },
];

/** The envelope of a stored row (event_type aside: the registry picks the kind by it). */
export function envelopeFromRow(row: EventRow): EnvelopeFields {
  return {
    event_id: rowText(row, 'event_id'),
    schema_version: row['schema_version'] === null ? SCHEMA_VERSION : rowNumber(row, 'schema_version'),
    event_time: new Date(rowNumber(row, 'event_time')).toISOString(),
    user_id: rowText(row, 'user_id'),
    session_id: rowText(row, 'session_id'),
    device: {
      type: rowText(row, 'device_type') as DeviceType,
      os: rowText(row, 'device_os'),
      browser: rowText(row, 'device_browser'),
    },
    country: rowText(row, 'country'),
    page: rowOptionalText(row, 'page'),
    referrer: rowOptionalText(row, 'referrer'),
  };
}

/** The envelope the kinds' samples share (a fresh copy each call). */
export function sampleEnvelope(): EnvelopeFields {
  return {
    event_id: '0b0e8a52-8c1f-4c2a-9d55-2d0e3f0a1b01',
    schema_version: SCHEMA_VERSION,
    event_time: '2026-11-27T10:15:30.123Z',
    user_id: 'u-0001',
    session_id: 's-0001',
    device: { type: 'mobile', os: 'iOS', browser: 'Safari' },
    country: 'US',
    page: '/product/p-0001',
    referrer: null,
  };
}
