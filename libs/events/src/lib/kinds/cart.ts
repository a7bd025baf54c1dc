import { Type } from 'class-transformer';
import { Equals, IsInt, IsObject, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { MAX_QUANTITY, type ProductRef } from '../event.types';
import { EnvelopeDto, sampleEnvelope, type EventEnvelope } from './envelope';
import { loose, type EventKind, type KindColumnReads, type QualityField } from './event-kind';
import {
  productColumns,
  productFromRow,
  productIsCertainlyValid,
  productQualityFields,
  ProductRefDto,
  quantityIsCertainlyValid,
  sampleProduct,
} from './product';
import { rowNumber } from './row-values';

/** Cart changes: adding and removing have one shape (a product and a quantity) and are two kinds of it. */

interface CartEvent extends EventEnvelope {
  product: ProductRef;
  quantity: number;
}

export interface AddToCartEvent extends CartEvent {
  event_type: 'add_to_cart';
}

export interface RemoveFromCartEvent extends CartEvent {
  event_type: 'remove_from_cart';
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

/** What the two cart kinds share: everything but the type, DTO, counter column and chart look. */
function cartKind<E extends AddToCartEvent | RemoveFromCartEvent>(
  own: Pick<EventKind<E>, 'type' | 'dto' | 'countColumn' | 'label' | 'colour'> & { sampleQuantity: number },
): EventKind<E> {
  const { sampleQuantity, ...identity } = own;
  const columns: KindColumnReads<E> = { ...productColumns<E>(), quantity: (e) => e.quantity };
  const qualityFields: QualityField<E>[] = [
    ...productQualityFields<E>(true),
    { column: 'quantity', type: 'integer', required: true, read: (e) => loose(e)['quantity'] },
  ];
  return {
    ...identity,
    keys: ['product', 'quantity'],
    nullableKeys: [],
    isCertainlyValid: (e) => productIsCertainlyValid(e['product']) && quantityIsCertainlyValid(e['quantity']),
    columns,
    qualityFields,
    fromRow: (row, envelope) =>
      ({ ...envelope, event_type: own.type, product: productFromRow(row), quantity: rowNumber(row, 'quantity') }) as E,
    sample: () => ({ ...sampleEnvelope(), event_type: own.type, product: sampleProduct(), quantity: sampleQuantity }) as E,
  };
}

export const addToCartKind = cartKind<AddToCartEvent>({
  type: 'add_to_cart',
  dto: AddToCartEventDto,
  countColumn: 'add_to_carts',
  label: 'Add to cart',
  colour: '#edc948',
  sampleQuantity: 2,
});

export const removeFromCartKind = cartKind<RemoveFromCartEvent>({
  type: 'remove_from_cart',
  dto: RemoveFromCartEventDto,
  countColumn: 'remove_from_carts',
  label: 'Remove from cart',
  colour: '#e15759',
  sampleQuantity: 1,
});
