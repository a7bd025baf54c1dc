import { findEventKind, type ShopEvent } from './event-kinds';
import { envelopeFromRow } from './kinds/envelope';
import { rowText, type EventRow } from './kinds/row-values';

/**
 * The inverse of toEventRow: rebuilds the ShopEvent a stored row came from. The flat columns hold
 * every field of the contract (purchase lines as items_json), so nothing is lost by storing rows.
 */
export function shopEventFromRow(row: EventRow): ShopEvent {
  const envelope = envelopeFromRow(row);
  const eventType = rowText(row, 'event_type');
  const kind = findEventKind(eventType);
  if (!kind) throw new Error(`row ${String(row['event_id'])}: unknown event_type ${eventType}`);
  return kind.fromRow(row, envelope);
}
