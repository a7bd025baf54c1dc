import { csvField, parseCsv, parseCsvObjects, toCsv } from './csv';

describe('CSV', () => {
  it('quotes only fields that need it, doubling inner quotes (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(3048)).toBe('3048');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('Tea, "Earl Grey"')).toBe('"Tea, ""Earl Grey"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
  });

  it('writes a header and \\n-terminated lines', () => {
    expect(toCsv(['id', 'name'], [[1, 'a,b'], [2, '']])).toBe('id,name\n1,"a,b"\n2,\n');
  });

  it('parses back exactly what it wrote, including quotes, commas, line breaks and empty fields', () => {
    const rows = [
      ['Tea, "Earl Grey"', 'multi\nline', ''],
      ['"', ',', '\r\n'],
      ['', '', ''],
    ];
    expect(parseCsv(toCsv(['a', 'b', 'c'], rows))).toEqual([['a', 'b', 'c'], ...rows]);
  });

  it('reads CRLF files and a last line without a line break', () => {
    expect(parseCsv('a,b\r\n1,2\r\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('maps rows to objects by header and refuses ragged rows', () => {
    expect(parseCsvObjects('x,y\n1,"2,5"\n')).toEqual([{ x: '1', y: '2,5' }]);
    expect(() => parseCsvObjects('x,y\n1\n')).toThrow(/row 2/);
    expect(() => parseCsv('"open')).toThrow(/quoted/);
  });
});
