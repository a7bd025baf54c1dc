import { uuidBytes } from './event-id-set';

/**
 * The `.ids` file a batch writes next to each hour's Parquet file: the event ids it stored, so that later batches
 * (after a restart, a replay or a backfill of any age) can refuse a duplicate without reading Parquet.
 *
 * Layout: the 8 ASCII bytes `EVIDS\x01\0\0`, a uint32 count (big-endian), then count x 16 bytes, each id's
 * 128 bits big-endian (the UUID's hex digits in order). 16 bytes per event.
 */
const MAGIC = Buffer.from('EVIDS\x01\0\0', 'latin1');
const HEADER_BYTES = MAGIC.length + 4;

export function encodeEventIdFile(ids: readonly string[]): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + ids.length * 16);
  MAGIC.copy(out, 0);
  out.writeUInt32BE(ids.length, MAGIC.length);
  for (let i = 0, at = HEADER_BYTES; i < ids.length; i++, at += 16) {
    if (!uuidBytes(ids[i], out, at)) throw new Error(`event_id is not a UUID: ${JSON.stringify(ids[i])}`);
  }
  return out;
}

/** The ids of an `.ids` file as packed words (4 int32 per id), ready for EventIdSet.addPacked. */
export function decodeEventIdFile(bytes: Buffer, key = 'ids file'): Int32Array {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error(`${key} is not an event id file`);
  }
  const count = bytes.readUInt32BE(MAGIC.length);
  if (bytes.length !== HEADER_BYTES + count * 16) {
    throw new Error(`${key} is truncated: ${count} ids announced, ${bytes.length - HEADER_BYTES} bytes of ids`);
  }
  const words = new Int32Array(count * 4);
  for (let i = 0, at = HEADER_BYTES; i < words.length; i++, at += 4) words[i] = bytes.readInt32BE(at);
  return words;
}

/** The canonical lower-case text of a packed id (tests, tools). */
export function formatPackedId(words: Int32Array, index: number): string {
  const hex = [0, 1, 2, 3].map((w) => (words[index * 4 + w] >>> 0).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
