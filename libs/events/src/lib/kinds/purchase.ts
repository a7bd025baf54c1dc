import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CURRENCIES, PAYMENT_METHODS, type Currency, type LineItem, type PaymentMethod } from '../event.types';
import { requiredString } from './checks';
import { EnvelopeDto, sampleEnvelope, type EventEnvelope } from './envelope';
import { loose, type EventKind } from './event-kind';
import { LINE_ITEM_KEYS, LineItemDto, productIsCertainlyValid, quantityIsCertainlyValid } from './product';
import { rowNumber, rowText } from './row-values';
import { isIn, isInt, min } from './validator-functions';

export interface PurchaseEvent extends EventEnvelope {
  event_type: 'purchase';
  order_id: string;
  items: LineItem[];
  /** Always the exact sum of price_cents * quantity over items. */
  revenue_cents: number;
  currency: Currency;
  payment_method: PaymentMethod;
}

export class PurchaseEventDto extends EnvelopeDto {
  @Equals('purchase')
  event_type!: 'purchase';

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  order_id!: string;

  @IsArray()
  @ArrayMinSize(1)
  // ValidateNested alone lets a nested array through (it validates its elements, none for []): a line is an object.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => LineItemDto)
  items!: LineItemDto[];

  @IsInt()
  @Min(0)
  revenue_cents!: number;

  @IsIn(CURRENCIES)
  currency!: Currency;

  @IsIn(PAYMENT_METHODS)
  payment_method!: PaymentMethod;
}

/** @IsArray @ArrayMinSize(1) @IsObject({ each: true }) @ValidateNested({ each: true }) of LineItemDto. */
function itemsAreCertainlyValid(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 1) return false;
  for (const item of value) {
    if (!productIsCertainlyValid(item, LINE_ITEM_KEYS) || !quantityIsCertainlyValid(item['quantity'])) return false;
  }
  return true;
}

function totalUnits(items: readonly LineItem[]): number {
  return items.reduce((n, i) => n + i.quantity, 0);
}

export const purchaseKind: EventKind<PurchaseEvent> = {
  type: 'purchase',
  dto: PurchaseEventDto,
  keys: ['order_id', 'items', 'revenue_cents', 'currency', 'payment_method'],
  nullableKeys: [],
  isCertainlyValid: (e) =>
    requiredString(e['order_id'], 64) &&
    itemsAreCertainlyValid(e['items']) &&
    isInt(e['revenue_cents']) &&
    min(e['revenue_cents'], 0) &&
    isIn(e['currency'], CURRENCIES) &&
    isIn(e['payment_method'], PAYMENT_METHODS),
  columns: {
    quantity: (e) => totalUnits(e.items),
    order_id: (e) => e.order_id,
    revenue_cents: (e) => e.revenue_cents,
    currency: (e) => e.currency,
    payment_method: (e) => e.payment_method,
    items_json: (e) => JSON.stringify(e.items),
  },
  qualityFields: [
    { column: 'order_id', type: 'string', required: true, read: (e) => loose(e)['order_id'] },
    { column: 'items_json', type: 'array', required: true, read: (e) => loose(e)['items'] },
    { column: 'product_id', type: 'string', required: true, readItem: (i) => i.product_id },
    { column: 'product_name', type: 'string', required: true, readItem: (i) => i.name },
    { column: 'category', type: 'string', required: true, readItem: (i) => i.category },
    { column: 'price_cents', type: 'integer', required: true, readItem: (i) => i.price_cents },
    { column: 'quantity', type: 'integer', required: true, readItem: (i) => i.quantity },
    { column: 'currency', type: 'string', required: true, read: (e) => loose(e)['currency'], readItem: (i) => i.currency },
    { column: 'revenue_cents', type: 'integer', required: true, read: (e) => loose(e)['revenue_cents'] },
    { column: 'payment_method', type: 'string', required: true, read: (e) => loose(e)['payment_method'] },
  ],
  fromRow: (row, envelope) => ({
    ...envelope,
    event_type: 'purchase',
    order_id: rowText(row, 'order_id'),
    items: JSON.parse(rowText(row, 'items_json')) as LineItem[],
    revenue_cents: rowNumber(row, 'revenue_cents'),
    currency: rowText(row, 'currency') as Currency,
    payment_method: rowText(row, 'payment_method') as PaymentMethod,
  }),
  sample: () => ({
    ...sampleEnvelope(),
    event_id: '0b0e8a52-8c1f-4c2a-9d55-2d0e3f0a1b02',
    event_type: 'purchase',
    event_time: '2026-11-27T10:20:00.000Z',
    page: '/checkout',
    order_id: 'o-0001',
    items: [
      { product_id: 'p-0001', name: 'Blue Mug', category: 'Home', price_cents: 1299, currency: 'USD', quantity: 2 },
      { product_id: 'p-0002', name: 'Tea', category: 'Grocery', price_cents: 450, currency: 'USD', quantity: 1 },
    ],
    revenue_cents: 3048,
    currency: 'USD',
    payment_method: 'card',
  }),
  countColumn: 'orders',
  label: 'Purchase',
  colour: '#59a14f',
};
