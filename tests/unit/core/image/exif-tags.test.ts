import { describe, expect, it } from 'vitest';
import { patchExif, readExifTags, stripExifPrefix } from '../../../../electron/core/image/exif-tags.js';

type Entry = [tag: number, type: 3 | 4, value: number];

/** A hand-built EXIF block: IFD0 with the given entries plus a pointer to an Exif IFD. */
function buildExif(le: boolean, ifd0: Entry[], exifIfd: Entry[], prefix = false): Buffer {
  const ifd0Count = ifd0.length + 1;
  const ifd0Size = 2 + ifd0Count * 12 + 4;
  const exifOffset = 8 + ifd0Size;
  const exifSize = 2 + exifIfd.length * 12 + 4;
  const b = Buffer.alloc(8 + ifd0Size + exifSize);
  const u16 = (v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const u32 = (v: number, o: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  b.write(le ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  const writeIfd = (at: number, entries: Entry[]) => {
    u16(entries.length, at);
    entries.forEach(([tag, type, value], i) => {
      const e = at + 2 + i * 12;
      u16(tag, e);
      u16(type, e + 2);
      u32(1, e + 4);
      if (type === 3) u16(value, e + 8);
      else u32(value, e + 8);
    });
  };
  writeIfd(8, [...ifd0, [0x8769, 4, exifOffset]]);
  writeIfd(exifOffset, exifIfd);
  return prefix ? Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), b]) : b;
}

describe('EXIF tags', () => {
  it.each([true, false])('reads orientation and dimensions (little endian: %s)', (le) => {
    const exif = buildExif(
      le,
      [[0x0112, 3, 6]],
      [
        [0xa002, 4, 4032],
        [0xa003, 3, 3024],
      ],
      true,
    );
    expect(readExifTags(exif)).toEqual({ orientation: 6, pixelXDimension: 4032, pixelYDimension: 3024 });
  });

  it('patches in place, widening a SHORT dimension that overflows', () => {
    const exif = buildExif(
      false,
      [[0x0112, 3, 8]],
      [
        [0xa002, 3, 4000],
        [0xa003, 3, 3000],
      ],
      true,
    );
    const patched = patchExif(exif, { orientation: 1, pixelXDimension: 70000, pixelYDimension: 12000 });
    expect(patched?.length).toBe(stripExifPrefix(exif).length);
    expect(readExifTags(patched ?? Buffer.alloc(0))).toEqual({
      orientation: 1,
      pixelXDimension: 70000,
      pixelYDimension: 12000,
    });
    // The input is not modified.
    expect(readExifTags(exif)?.orientation).toBe(8);
  });

  it('does not add tags that are absent', () => {
    const exif = buildExif(true, [], []);
    const patched = patchExif(exif, { orientation: 1, pixelXDimension: 5, pixelYDimension: 5 });
    expect(readExifTags(patched ?? Buffer.alloc(0))).toEqual({});
  });

  it('rejects what is not EXIF, and survives bad offsets', () => {
    expect(readExifTags(Buffer.from('hello world, not exif'))).toBeUndefined();
    expect(
      patchExif(Buffer.alloc(4), { orientation: 1, pixelXDimension: 1, pixelYDimension: 1 }),
    ).toBeUndefined();
    const broken = buildExif(true, [[0x0112, 3, 3]], []);
    broken.writeUInt32LE(0xfffffff0, 4);
    expect(readExifTags(broken)).toEqual({});
  });
});
