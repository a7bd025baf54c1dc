/**
 * The inverse of toEventRow: rebuilds the ShopEvent a stored row came from. Each kind decodes its own fields
 * (`fromRow` in its module in libs/events); this name stays for storage's readers.
 */
export { shopEventFromRow } from '@pipeline/events';
