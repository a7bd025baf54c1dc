/** Just enough PNG reading to check what the renderer produced: the signature and the IHDR chunk. */

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngSize {
  width: number;
  height: number;
}

/** Width and height from the IHDR chunk, which the format requires to come first. Throws for anything else. */
export function readPngSize(bytes: Uint8Array): PngSize {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 24 || !buffer.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG: bad signature');
  if (buffer.readUInt32BE(8) !== 13 || buffer.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG: IHDR is not the first chunk');
  const width = buffer.readUInt32BE(16);
  const height = buffer.readUInt32BE(20);
  if (width === 0 || height === 0) throw new Error('not a PNG: zero width or height');
  return { width, height };
}

export function isPng(bytes: Uint8Array): boolean {
  try {
    readPngSize(bytes);
    return true;
  } catch {
    return false;
  }
}
