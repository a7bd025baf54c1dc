import { Type } from 'class-transformer';
import { Equals, IsObject, IsOptional, ValidateNested } from 'class-validator';
import type { ProductRef } from '../event.types';
import { EnvelopeDto, sampleEnvelope, type EventEnvelope } from './envelope';
import type { EventKind } from './event-kind';
import { productColumns, productFromRow, productIsCertainlyValid, productQualityFields, ProductRefDto, sampleProduct } from './product';

export interface PageViewEvent extends EventEnvelope {
  event_type: 'page_view';
  /** Set on product detail pages, null on home/category/cart pages. */
  product: ProductRef | null;
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

export const pageViewKind: EventKind<PageViewEvent> = {
  type: 'page_view',
  dto: PageViewEventDto,
  keys: ['product'],
  nullableKeys: ['product'],
  isCertainlyValid: (e) => e['product'] === null || e['product'] === undefined || productIsCertainlyValid(e['product']),
  columns: productColumns<PageViewEvent>(),
  qualityFields: productQualityFields<PageViewEvent>(false),
  fromRow: (row, envelope) => ({
    ...envelope,
    event_type: 'page_view',
    product: row['product_id'] === null ? null : productFromRow(row),
  }),
  sample: () => ({ ...sampleEnvelope(), event_type: 'page_view', product: sampleProduct() }),
  countColumn: 'page_views',
  label: 'Page view',
  colour: '#4e79a7',
};
