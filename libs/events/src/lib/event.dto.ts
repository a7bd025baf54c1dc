/**
 * The contract as class-validator DTOs. Each kind's DTO lives in its module under `kinds/` (extending the
 * envelope's); EVENT_DTO_BY_TYPE (event-kinds.ts) maps event types to them.
 */
export { DeviceDto, EnvelopeDto } from './kinds/envelope';
export { LineItemDto, ProductRefDto } from './kinds/product';
export { PageViewEventDto } from './kinds/page-view';
export { SearchEventDto } from './kinds/search';
export { AddToCartEventDto, RemoveFromCartEventDto } from './kinds/cart';
export { PurchaseEventDto } from './kinds/purchase';
