import { describe, expect, it } from 'vitest';
import {
  describeCompression,
  detectCompression,
  estimateJpegQuality,
  jpegQuantTables,
  libjpegLumaTable,
} from '../../../../electron/core/image/compression.js';
import { noisePixels, sharpOf } from './image-fixtures.js';

const photo = () => sharpOf(noisePixels(64, 48, 3, 8, 4));

describe('compression from the header', () => {
  it('reads the quality libjpeg was given back from the DQT tables, at every quality', async () => {
    for (const quality of [10, 30, 50, 63, 75, 80, 90, 95, 100]) {
      const bytes = await photo().jpeg({ quality }).toBuffer();
      const tables = jpegQuantTables(bytes);
      expect([...tables.keys()].sort(), `q${quality}`).toEqual([0, 1]);
      expect(tables.get(0), `q${quality}`).toEqual(libjpegLumaTable(quality));
      expect(detectCompression(bytes, 'jpeg'), `q${quality}`).toEqual({ kind: 'jpeg', quality });
    }
  });

  it('gives the nearest libjpeg quality for tables of other encoders (mozjpeg)', async () => {
    const bytes = await photo().jpeg({ quality: 75, mozjpeg: true }).toBuffer();
    const q = estimateJpegQuality(jpegQuantTables(bytes).get(0)!);
    expect(q).toBeGreaterThan(55);
    expect(q).toBeLessThan(95);
  });

  it('tells lossy from lossless WebP, and calls PNG and TIFF lossless', async () => {
    expect(detectCompression(await photo().webp({ quality: 80 }).toBuffer(), 'webp').kind).toBe('lossy');
    expect(detectCompression(await photo().webp({ lossless: true }).toBuffer(), 'webp').kind).toBe(
      'lossless',
    );
    expect(detectCompression(await photo().png().toBuffer(), 'png')).toEqual({
      kind: 'lossless',
      format: 'png',
    });
    expect(detectCompression(await photo().tiff().toBuffer(), 'tiff').kind).toBe('lossless');
  });

  it('survives damaged or foreign bytes', () => {
    expect(jpegQuantTables(new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0x00]))).toEqual(new Map());
    expect(jpegQuantTables(new Uint8Array([1, 2, 3]))).toEqual(new Map());
    expect(detectCompression(new Uint8Array([0xff, 0xd8]), 'jpeg')).toEqual({ kind: 'jpeg', quality: 75 });
    expect(describeCompression({ kind: 'jpeg', quality: 75 })).toBe('JPEG ~q75');
  });
});
