import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { CURRENCIES, MAX_PRICE_CENTS, MAX_QUANTITY, type Currency, type LineItem, type ProductRef } from '../event.types';
import { hasOnlyKeys, isPlainObject, requiredString } from './checks';
import { loose, type KindColumnReads, type LooseObject, type QualityField } from './event-kind';
import { rowNumber, rowText, type EventRow } from './row-values';
import { isIn, isInt, max, min } from './validator-functions';

/** The product reference several kinds carry (page view, cart events, purchase lines): its contract and columns. */

export class ProductRefDto implements ProductRef {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  product_id!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  category!: string;

  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  price_cents!: number;

  @IsIn(CURRENCIES)
  currency!: Currency;
}

export class LineItemDto extends ProductRefDto implements LineItem {
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;
}

export const PRODUCT_KEYS: ReadonlySet<string> = new Set(['product_id', 'name', 'category', 'price_cents', 'currency']);
export const LINE_ITEM_KEYS: ReadonlySet<string> = new Set([...PRODUCT_KEYS, 'quantity']);

/** ProductRefDto (or LineItemDto's product part, with LINE_ITEM_KEYS) in the precompiled mirror. */
export function productIsCertainlyValid(value: unknown, keys: ReadonlySet<string> = PRODUCT_KEYS): value is Record<string, unknown> {
  if (!isPlainObject(value) || !hasOnlyKeys(value, keys)) return false;
  return (
    requiredString(value['product_id'], 64) &&
    requiredString(value['name'], 256) &&
    requiredString(value['category'], 64) &&
    isInt(value['price_cents']) &&
    min(value['price_cents'], 0) &&
    max(value['price_cents'], MAX_PRICE_CENTS) &&
    isIn(value['currency'], CURRENCIES)
  );
}

/** @IsInt @Min(1) @Max(MAX_QUANTITY) */
export function quantityIsCertainlyValid(value: unknown): boolean {
  return isInt(value) && min(value, 1) && max(value, MAX_QUANTITY);
}

/** The stored columns of an event's `product` (null when it has none). */
export function productColumns<E extends { product: ProductRef | null }>(): KindColumnReads<E> {
  return {
    product_id: (e) => e.product?.product_id,
    product_name: (e) => e.product?.name,
    category: (e) => e.product?.category,
    price_cents: (e) => e.product?.price_cents,
    currency: (e) => e.product?.currency,
  };
}

const productOf = (event: unknown) => loose(event)['product'] as LooseObject | null | undefined;

/** Quality fields of an event's `product`. */
export function productQualityFields<E>(required: boolean): QualityField<E>[] {
  return [
    { column: 'product_id', type: 'string', required, read: (e) => productOf(e)?.['product_id'] },
    { column: 'product_name', type: 'string', required, read: (e) => productOf(e)?.['name'] },
    { column: 'category', type: 'string', required, read: (e) => productOf(e)?.['category'] },
    { column: 'price_cents', type: 'integer', required, read: (e) => productOf(e)?.['price_cents'] },
    { column: 'currency', type: 'string', required, read: (e) => productOf(e)?.['currency'] },
  ];
}

export function productFromRow(row: EventRow): ProductRef {
  return {
    product_id: rowText(row, 'product_id'),
    name: rowText(row, 'product_name'),
    category: rowText(row, 'category'),
    price_cents: rowNumber(row, 'price_cents'),
    currency: rowText(row, 'currency') as Currency,
  };
}

export function sampleProduct(): ProductRef {
  return { product_id: 'p-0001', name: 'Blue Mug', category: 'Home', price_cents: 1299, currency: 'USD' };
}
