import { describe, expect, it } from 'vitest';
import { sharpDecodes, sniffKind } from '../../../../electron/core/image/sniff-format.js';

function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const b = Buffer.alloc(16 + compatible.length * 4);
  b.writeUInt32BE(b.length, 0);
  b.write(`ftyp${major}`, 4, 'latin1');
  compatible.forEach((c, i) => {
    b.write(c, 16 + i * 4, 'latin1');
  });
  return b;
}

describe('sniffKind', () => {
  it('tells AVIF from HEIC by ftyp brands', () => {
    expect(sniffKind(ftyp('avif', 'mif1', 'miaf'))).toBe('avif');
    expect(sniffKind(ftyp('mif1', 'avif'))).toBe('avif');
    expect(sniffKind(ftyp('heic', 'mif1'))).toBe('heic');
    expect(sniffKind(ftyp('mif1', 'heic'))).toBe('heic');
    expect(sniffKind(ftyp('crx ', 'isom'))).toBe('cr3');
    expect(sniffKind(ftyp('isom', 'mp42'))).toBeUndefined();
  });

  it('recognises common signatures', () => {
    const cases: Array<[number[] | string, string]> = [
      [[0xff, 0xd8, 0xff, 0xe0], 'jpeg'],
      [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'png'],
      ['GIF89a', 'gif'],
      ['RIFF\0\0\0\0WEBPVP8 ', 'webp'],
      ['II*\0', 'tiff'],
      ['MM\0*', 'tiff'],
      ['IIRO', 'raw-camera'],
      ['BM', 'bmp'],
      ['8BPS', 'psd'],
      ['%PDF-1.7', 'pdf'],
    ];
    for (const [bytes, kind] of cases) {
      const head = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Uint8Array.from(bytes);
      expect(sniffKind(Buffer.concat([head, Buffer.alloc(16)]))).toBe(kind);
    }
    expect(sniffKind(Buffer.from('just some text here', 'latin1'))).toBeUndefined();
  });

  it('knows what this sharp build decodes', () => {
    for (const kind of ['jpeg', 'png', 'gif', 'webp', 'tiff', 'avif'] as const)
      expect(sharpDecodes(kind)).toBe(true);
    expect(sharpDecodes('bmp')).toBe(false);
  });
});
