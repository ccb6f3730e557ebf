/**
 * Just enough of EXIF (a TIFF structure, CIPA DC-008) to read the tags this app changes when it
 * writes an upscaled copy: Orientation in IFD0 and PixelX/YDimension in the Exif sub-IFD.
 */

export interface ExifTags {
  orientation?: number;
  pixelXDimension?: number;
  pixelYDimension?: number;
}

const TAG_ORIENTATION = 0x0112;
const TAG_EXIF_IFD = 0x8769;
const TAG_PIXEL_X = 0xa002;
const TAG_PIXEL_Y = 0xa003;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;

const EXIF_PREFIX = 'Exif\0\0';

/** JPEG APP1 (and so sharp's metadata().exif for JPEG) starts with "Exif\0\0"; PNG eXIf and TIFF do not. */
export function stripExifPrefix(exif: Buffer): Buffer {
  return exif.subarray(0, 6).toString('latin1') === EXIF_PREFIX ? exif.subarray(6) : exif;
}

interface Reader {
  u16(o: number): number;
  u32(o: number): number;
  size: number;
  le: boolean;
}

function reader(b: Buffer): Reader | undefined {
  const order = b.subarray(0, 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  const r: Reader = {
    le,
    size: b.length,
    u16: (o) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o)),
    u32: (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o)),
  };
  return r.u16(2) === 42 ? r : undefined;
}

/** A single-valued SHORT or LONG entry: where its value lives, so it can be read or patched in place. */
interface IntEntry {
  value: number;
  valueOffset: number;
  type: typeof TYPE_SHORT | typeof TYPE_LONG;
}

/** Integer entries of one IFD, keyed by tag id. Malformed offsets end the walk instead of throwing. */
function readIfd(r: Reader, offset: number): Map<number, IntEntry> {
  const tags = new Map<number, IntEntry>();
  if (offset + 2 > r.size) return tags;
  const count = r.u16(offset);
  for (let i = 0; i < count; i++) {
    const e = offset + 2 + i * 12;
    if (e + 12 > r.size) break;
    const type = r.u16(e + 2);
    if (r.u32(e + 4) !== 1) continue;
    if (type === TYPE_SHORT) tags.set(r.u16(e), { value: r.u16(e + 8), valueOffset: e + 8, type });
    else if (type === TYPE_LONG) tags.set(r.u16(e), { value: r.u32(e + 8), valueOffset: e + 8, type });
  }
  return tags;
}

interface Located {
  orientation?: IntEntry;
  pixelX?: IntEntry;
  pixelY?: IntEntry;
}

function locate(r: Reader): Located {
  const ifd0 = readIfd(r, r.u32(4));
  const exifIfd = ifd0.get(TAG_EXIF_IFD);
  const sub = exifIfd ? readIfd(r, exifIfd.value) : new Map<number, IntEntry>();
  return {
    orientation: ifd0.get(TAG_ORIENTATION),
    pixelX: sub.get(TAG_PIXEL_X),
    pixelY: sub.get(TAG_PIXEL_Y),
  };
}

/** Orientation and pixel dimensions from a raw EXIF block, or undefined when it is not EXIF. */
export function readExifTags(exif: Buffer): ExifTags | undefined {
  const b = stripExifPrefix(exif);
  const r = b.length >= 8 ? reader(b) : undefined;
  if (!r) return undefined;
  const at = locate(r);
  const out: ExifTags = {};
  if (at.orientation) out.orientation = at.orientation.value;
  if (at.pixelX) out.pixelXDimension = at.pixelX.value;
  if (at.pixelY) out.pixelYDimension = at.pixelY.value;
  return out;
}

/**
 * Copy of an EXIF block (without the "Exif\0\0" prefix) with Orientation and PixelX/YDimension
 * rewritten in place where those tags exist; tags are never added. A SHORT dimension that cannot
 * hold the new value is widened to LONG, which has the same 4-byte slot in the entry.
 * Returns undefined when the block is not parseable EXIF.
 */
export function patchExif(exif: Buffer, tags: Required<ExifTags>): Buffer | undefined {
  const b = Buffer.from(stripExifPrefix(exif));
  const r = b.length >= 8 ? reader(b) : undefined;
  if (!r) return undefined;
  const at = locate(r);
  const put = (entry: IntEntry | undefined, value: number): void => {
    if (!entry) return;
    const type = entry.type === TYPE_SHORT && value > 0xffff ? TYPE_LONG : entry.type;
    const typeOffset = entry.valueOffset - 6;
    if (r.le) b.writeUInt16LE(type, typeOffset);
    else b.writeUInt16BE(type, typeOffset);
    b.fill(0, entry.valueOffset, entry.valueOffset + 4);
    if (type === TYPE_SHORT) {
      if (r.le) b.writeUInt16LE(value, entry.valueOffset);
      else b.writeUInt16BE(value, entry.valueOffset);
    } else if (r.le) b.writeUInt32LE(value, entry.valueOffset);
    else b.writeUInt32BE(value, entry.valueOffset);
  };
  put(at.orientation, tags.orientation);
  put(at.pixelX, tags.pixelXDimension);
  put(at.pixelY, tags.pixelYDimension);
  return b;
}
