import { isPng, PNG_SIGNATURE, readPngSize } from './png';

function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  return Buffer.concat([PNG_SIGNATURE, ihdr]);
}

describe('readPngSize', () => {
  it('reads width and height from IHDR', () => expect(readPngSize(pngHeader(960, 480))).toEqual({ width: 960, height: 480 }));
  it('refuses a file without the PNG signature', () => {
    const bytes = pngHeader(10, 10);
    bytes[1] = 0x51;
    expect(() => readPngSize(bytes)).toThrow('bad signature');
    expect(isPng(bytes)).toBe(false);
  });
  it('refuses a truncated or zero-sized image', () => {
    expect(() => readPngSize(PNG_SIGNATURE)).toThrow('bad signature');
    expect(() => readPngSize(pngHeader(0, 10))).toThrow('zero width');
  });
});
