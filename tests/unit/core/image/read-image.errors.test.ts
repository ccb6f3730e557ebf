import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError, type ImageErrorReason } from '../../../../electron/core/image/image-errors.js';
import { probeImage, readImage } from '../../../../electron/core/image/read-image.js';
import { sharpDecodes } from '../../../../electron/core/image/sniff-format.js';
import { gradientPixels, makeTempDir, noisePixels, sharpOf } from './image-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

async function save(name: string, bytes: Uint8Array | Uint16Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function expectImageError(
  p: Promise<unknown>,
  reason: ImageErrorReason,
  fileName: string,
): Promise<ImageError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageError);
  const e = err as ImageError;
  expect(e.reason).toBe(reason);
  expect(e.message.startsWith(`${fileName}: `)).toBe(true);
  expect(e.path.endsWith(fileName)).toBe(true);
  return e;
}

/** A valid 2x2 24-bit BMP (BITMAPINFOHEADER), a real image sharp's prebuilt libvips cannot open. */
function bmp2x2(): Buffer {
  const row = Buffer.from([0, 0, 255, 0, 255, 0, 0, 0]); // 2 BGR pixels + 2 bytes padding
  const pixels = Buffer.concat([row, row]);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

/** Same PNG with IHDR claiming another size (CRC fixed), like a decompression bomb's header. */
function withClaimedSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('bad input files', () => {
  it('0-byte file is empty', async () => {
    const path = await save('nothing.jpg', new Uint8Array());
    const e = await expectImageError(readImage(path), 'empty', 'nothing.jpg');
    expect(e.message).toContain('empty');
    await expectImageError(probeImage(path), 'empty', 'nothing.jpg');
  });

  it('random bytes are not an image', async () => {
    const bytes = noisePixels(50, 10, 1, 8, 3).data;
    const path = await save('noise.png', bytes);
    const e = await expectImageError(readImage(path), 'not-an-image', 'noise.png');
    expect(e.message).toBe('noise.png: the file is not an image');
  });

  it('a text file is not an image', async () => {
    const path = await save('notes.jpg', 'shopping list\n- milk\n- eggs\n'.repeat(20));
    await expectImageError(readImage(path), 'not-an-image', 'notes.jpg');
    await expectImageError(probeImage(path), 'not-an-image', 'notes.jpg');
  });

  it('a real BMP is an unsupported format', async () => {
    const path = await save('old.bmp', bmp2x2());
    const e = await expectImageError(readImage(path), 'unsupported-format', 'old.bmp');
    expect(e.message).toContain('BMP');
  });

  it.skipIf(sharpDecodes('heic'))(
    'HEVC-coded HEIC is an unsupported format in this sharp build',
    async () => {
      const ftyp = Buffer.alloc(24);
      ftyp.writeUInt32BE(24, 0);
      ftyp.write('ftypheic', 4, 'latin1');
      ftyp.write('mif1heic', 16, 'latin1');
      const path = await save('IMG_0001.HEIC', Buffer.concat([ftyp, Buffer.alloc(200, 7)]));
      const e = await expectImageError(readImage(path), 'unsupported-format', 'IMG_0001.HEIC');
      expect(e.message).toContain('HEIC');
    },
  );

  it('JPEG XL is an unsupported format when sharp lacks libjxl', async () => {
    const path = await save('pic.jxl', Buffer.concat([Buffer.from([0xff, 0x0a]), Buffer.alloc(64, 1)]));
    const reason = sharpDecodes('jxl') ? 'truncated' : 'unsupported-format';
    await expectImageError(readImage(path), reason, 'pic.jxl');
  });

  it('a cut-off JPEG is truncated, not grey-filled', async () => {
    const jpg = await sharpOf(gradientPixels(64, 64, 3))
      .jpeg()
      .toBuffer();
    const path = await save('cut.jpg', jpg.subarray(0, Math.floor(jpg.length * 0.6)));
    // The header is intact, so the cheap probe still succeeds...
    expect((await probeImage(path)).width).toBe(64);
    // ...and decoding notices the missing scan data.
    const e = await expectImageError(readImage(path), 'truncated', 'cut.jpg');
    expect(e.message).toContain('truncated');
  });

  it('a cut-off PNG is truncated', async () => {
    const png = await sharpOf(noisePixels(64, 64, 3, 8))
      .png()
      .toBuffer();
    const path = await save('cut.png', png.subarray(0, Math.floor(png.length * 0.6)));
    await expectImageError(readImage(path), 'truncated', 'cut.png');
  });

  it('a TIFF whose directory was cut off is truncated', async () => {
    const tif = await sharpOf(noisePixels(32, 32, 3, 8))
      .tiff()
      .toBuffer();
    const path = await save('cut.tif', tif.subarray(0, Math.floor(tif.length * 0.5)));
    await expectImageError(readImage(path), 'truncated', 'cut.tif');
  });

  it('a missing file is unreadable', async () => {
    const e = await expectImageError(readImage(join(dir, 'gone.png')), 'unreadable', 'gone.png');
    expect(e.message).toContain('does not exist');
  });

  it('a folder is unreadable', async () => {
    await mkdir(join(dir, 'album.jpg'));
    await expectImageError(readImage(join(dir, 'album.jpg')), 'unreadable', 'album.jpg');
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)(
    'a file without read permission is unreadable',
    async () => {
      const path = await save(
        'secret.png',
        await sharpOf(noisePixels(4, 4, 3, 8))
          .png()
          .toBuffer(),
      );
      await chmod(path, 0o000);
      await expectImageError(readImage(path), 'unreadable', 'secret.png');
    },
  );
});

describe('size limit', () => {
  it('refuses a header claiming 30000x30000 before decoding any pixel', async () => {
    const png = await sharpOf(noisePixels(16, 16, 3, 8))
      .png()
      .toBuffer();
    const path = await save('bomb.png', withClaimedSize(png, 30000, 30000));
    const started = performance.now();
    const e = await expectImageError(readImage(path), 'too-large', 'bomb.png');
    expect(e.message).toContain('30000x30000');
    await expectImageError(probeImage(path), 'too-large', 'bomb.png');
    // Decoding 900 MP would take far longer (and ~2.7 GB); a header check is milliseconds.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('honours maxPixels', async () => {
    const path = await save(
      'small.png',
      await sharpOf(noisePixels(64, 64, 3, 8))
        .png()
        .toBuffer(),
    );
    await expectImageError(readImage(path, { maxPixels: 64 * 64 - 1 }), 'too-large', 'small.png');
    expect((await readImage(path, { maxPixels: 64 * 64 })).width).toBe(64);
  });
});

describe('abort', () => {
  it('an aborted signal stops reading', async () => {
    const path = await save(
      'fine.png',
      await sharpOf(noisePixels(8, 8, 3, 8))
        .png()
        .toBuffer(),
    );
    const ac = new AbortController();
    ac.abort();
    await expect(readImage(path, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
