import { open } from 'node:fs/promises';
import sharp from 'sharp';

/**
 * Containers recognised by their first bytes. sharp reports both "random bytes" and "a BMP" as
 * "unsupported image format"; the user needs to know which one it is, so we look ourselves.
 */
export type SniffedKind =
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'webp'
  | 'tiff'
  | 'avif'
  | 'heic'
  | 'jxl'
  | 'jp2'
  | 'bmp'
  | 'psd'
  | 'ico'
  | 'pdf'
  | 'exr'
  | 'qoi'
  | 'cr3'
  | 'raw-camera';

export const SNIFF_BYTES = 64;

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);

function ascii(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.subarray(start, end)).toString('latin1');
}

function startsWith(b: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  return bytes.every((v, i) => b[offset + i] === v);
}

/** ISO base media file (HEIF, AVIF, CR3): decide from the major and compatible brands of `ftyp`. */
function sniffFtyp(b: Uint8Array): SniffedKind | undefined {
  if (ascii(b, 4, 8) !== 'ftyp') return undefined;
  const boxEnd = Math.min(b.length, Buffer.from(b).readUInt32BE(0));
  const brands = [ascii(b, 8, 12)];
  for (let o = 16; o + 4 <= boxEnd; o += 4) brands.push(ascii(b, o, o + 4));
  if (brands.includes('crx ')) return 'cr3';
  if (brands.includes('avif') || brands.includes('avis')) return 'avif';
  if (brands.some((x) => HEIC_BRANDS.has(x)) || brands.includes('mif1') || brands.includes('msf1'))
    return 'heic';
  return undefined;
}

/** Identify a file's container from its first bytes (at least 16 are needed; 64 is plenty). */
export function sniffKind(head: Uint8Array): SniffedKind | undefined {
  const b = head;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  const s6 = ascii(b, 0, 6);
  if (s6 === 'GIF87a' || s6 === 'GIF89a') return 'gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  const s4 = ascii(b, 0, 4);
  if (s4 === 'IIRO' || s4 === 'IIRS' || s4 === 'MMOR' || s4 === 'IIU\0') return 'raw-camera';
  if (ascii(b, 0, 15) === 'FUJIFILMCCD-RAW') return 'raw-camera';
  if (s4 === 'II*\0' || s4 === 'MM\0*' || s4 === 'II+\0' || s4 === 'MM\0+') return 'tiff';
  const ftyp = sniffFtyp(b);
  if (ftyp) return ftyp;
  if (
    startsWith(b, [0xff, 0x0a]) ||
    startsWith(b, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a])
  ) {
    return 'jxl';
  }
  if (startsWith(b, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]) || startsWith(b, [0xff, 0x4f, 0xff, 0x51]))
    return 'jp2';
  if (ascii(b, 0, 2) === 'BM') return 'bmp';
  if (s4 === '8BPS') return 'psd';
  if (startsWith(b, [0, 0, 1, 0]) || startsWith(b, [0, 0, 2, 0])) return 'ico';
  if (s4 === '%PDF') return 'pdf';
  if (startsWith(b, [0x76, 0x2f, 0x31, 0x01])) return 'exr';
  if (s4 === 'qoif') return 'qoi';
  return undefined;
}

/** Whether this sharp build decodes the container (prebuilt sharp reads AVIF but not HEVC-coded HEIC). */
export function sharpDecodes(kind: SniffedKind): boolean {
  const f = sharp.format;
  switch (kind) {
    case 'jpeg':
    case 'png':
    case 'gif':
    case 'webp':
    case 'tiff':
      return f[kind].input.file;
    case 'avif':
      return f.heif.input.file;
    case 'heic':
      return f.heif.input.file && (f.heif.input.fileSuffix ?? []).some((s) => s === '.heic' || s === '.heif');
    case 'jxl':
      return f.jxl.input.file;
    case 'jp2':
      return f.jp2.input.file;
    case 'pdf':
      return f.pdf.input.file;
    default:
      // BMP, PSD, ICO, EXR, QOI and camera raw need ImageMagick or dcraw, which prebuilt sharp lacks.
      return f.magick.input.file;
  }
}

/** Read the first bytes of a file for sniffing. */
export async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
