import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  CURRENCIES,
  DEVICE_TYPES,
  PAYMENT_METHODS,
  SCHEMA_VERSION,
  type Currency,
  type Device,
  type DeviceType,
  type LineItem,
  type PaymentMethod,
  type ProductRef,
} from './event.types';

/** Schema limits, not business rules: business bounds (price ceilings, clock skew) belong to the quality rules. */
export const MAX_QUANTITY = 1_000;
export const MAX_PRICE_CENTS = 100_000_000;
export const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

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

abstract class EnvelopeDto {
  @IsUUID()
  event_id!: string;

  @Equals(SCHEMA_VERSION)
  schema_version!: number;

  @IsString()
  @Matches(ISO_UTC_MILLIS, { message: 'event_time must be ISO-8601 UTC with milliseconds (YYYY-MM-DDTHH:mm:ss.sssZ)' })
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

export class PageViewEventDto extends EnvelopeDto {
  @Equals('page_view')
  event_type!: 'page_view';

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProductRefDto)
  product!: ProductRefDto | null;
}

export class SearchEventDto extends EnvelopeDto {
  @Equals('search')
  event_type!: 'search';

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  query!: string;

  @IsInt()
  @Min(0)
  results_count!: number;
}

abstract class CartEventDto extends EnvelopeDto {
  @ValidateIf(() => true)
  @IsObject()
  @ValidateNested()
  @Type(() => ProductRefDto)
  product!: ProductRefDto;

  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;
}

export class AddToCartEventDto extends CartEventDto {
  @Equals('add_to_cart')
  event_type!: 'add_to_cart';
}

export class RemoveFromCartEventDto extends CartEventDto {
  @Equals('remove_from_cart')
  event_type!: 'remove_from_cart';
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

export const EVENT_DTO_BY_TYPE = {
  page_view: PageViewEventDto,
  search: SearchEventDto,
  add_to_cart: AddToCartEventDto,
  remove_from_cart: RemoveFromCartEventDto,
  purchase: PurchaseEventDto,
} as const;
