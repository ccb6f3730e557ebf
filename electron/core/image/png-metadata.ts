import { deflateSync } from 'node:zlib';
import { stripExifPrefix } from './exif-tags.js';

/**
 * Splice iCCP and eXIf chunks into a PNG. sharp cannot attach ICC bytes to raw pixels without
 * converting them (withIccProfile transforms from sRGB), but it keeps a profile it has loaded
 * (keepIccProfile) unchanged. So the writer wraps raw pixels in a PNG that carries the metadata and
 * lets libvips re-attach it in the real encoder.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

// Written out rather than zlib.crc32, which needs Node 20.15; package.json allows 20.9.
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

const SIGNATURE_AND_IHDR = 8 + 12 + 13;

/** PNG with the given ICC profile and EXIF block inserted right after IHDR (both must precede IDAT). */
export function withPngMetadata(png: Buffer, meta: { icc?: Buffer; exif?: Buffer }): Buffer {
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('not a PNG with a leading IHDR');
  const extra: Buffer[] = [];
  if (meta.icc) {
    // iCCP: profile name, NUL, compression method 0, zlib stream (PNG 1.2 section 11.3.3.3).
    extra.push(chunk('iCCP', Buffer.concat([Buffer.from('icc\0\0', 'latin1'), deflateSync(meta.icc)])));
  }
  if (meta.exif) {
    // eXIf holds the TIFF structure itself; loaders reject the JPEG-style "Exif\0\0" prefix.
    extra.push(chunk('eXIf', stripExifPrefix(meta.exif)));
  }
  return Buffer.concat([png.subarray(0, SIGNATURE_AND_IHDR), ...extra, png.subarray(SIGNATURE_AND_IHDR)]);
}
