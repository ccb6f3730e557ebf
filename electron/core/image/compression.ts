/**
 * How a photo was compressed, from its header bytes alone: a JPEG's quality is estimated from its
 * quantisation tables (the DQT segments), a WebP says whether it is lossy (VP8) or lossless (VP8L).
 * This decides which model fits the photo: blocks and ringing need the model trained on them.
 *
 * The estimate inverts libjpeg's scaling of the standard tables (ITU T.81 Annex K): quality Q gives
 * the scale S = 5000 / Q below 50 and 200 - 2Q from 50, and each entry becomes
 * clamp(floor((base * S + 50) / 100), 1, 255). Encoders with their own tables (cameras, phones,
 * mozjpeg) get the libjpeg quality whose tables are closest on average: "looks like quality ~Q".
 */

/** ITU T.81 Annex K.1, luminance, in zigzag order as DQT stores it. */
const STD_LUMA_ZIGZAG = [
  16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40, 26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58,
  51, 61, 60, 57, 51, 56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87, 95, 98, 103, 104, 103,
  62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
];

export type Compression =
  | { readonly kind: 'lossless'; readonly format: string }
  | { readonly kind: 'jpeg'; readonly quality: number }
  | { readonly kind: 'lossy'; readonly format: string };

/** The quantisation tables of a JPEG (id -> 64 values in zigzag order), read up to the first scan. */
export function jpegQuantTables(bytes: Uint8Array): Map<number, number[]> {
  const tables = new Map<number, number[]>();
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return tables;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) break;
    const marker = bytes[i + 1]!;
    // Fill bytes and markers without a length.
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // start of scan, end of image
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (length < 2 || i + 2 + length > bytes.length) break;
    if (marker === 0xdb) {
      let p = i + 4;
      const end = i + 2 + length;
      while (p < end) {
        const precision = bytes[p]! >> 4;
        const id = bytes[p]! & 0x0f;
        p++;
        const size = precision === 0 ? 1 : 2;
        if (p + 64 * size > end) break;
        const values: number[] = [];
        for (let k = 0; k < 64; k++)
          values.push(size === 1 ? bytes[p + k]! : (bytes[p + 2 * k]! << 8) | bytes[p + 2 * k + 1]!);
        tables.set(id, values);
        p += 64 * size;
      }
    }
    i += 2 + length;
  }
  return tables;
}

/** The luminance table libjpeg makes for `quality` (1-100), zigzag order. */
export function libjpegLumaTable(quality: number): number[] {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return STD_LUMA_ZIGZAG.map((base) => Math.min(255, Math.max(1, Math.floor((base * scale + 50) / 100))));
}

/** The libjpeg quality (1-100) whose luminance table is nearest to `table` (mean absolute difference). */
export function estimateJpegQuality(table: readonly number[]): number {
  let best = 1;
  let bestError = Number.POSITIVE_INFINITY;
  for (let q = 1; q <= 100; q++) {
    const ref = libjpegLumaTable(q);
    let error = 0;
    for (let k = 0; k < 64; k++) error += Math.abs(ref[k]! - table[k]!);
    if (error < bestError) [best, bestError] = [q, error];
  }
  return best;
}

/** The compression of an encoded image, by its bytes and sharp's format name. */
export function detectCompression(bytes: Uint8Array, format: string): Compression {
  if (format === 'jpeg') {
    const luma = jpegQuantTables(bytes).get(0);
    // A JPEG without a readable table is still lossy; call it mid quality rather than clean.
    return { kind: 'jpeg', quality: luma ? estimateJpegQuality(luma) : 75 };
  }
  if (format === 'webp') {
    const text = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
    // RIFF....WEBP then the first chunk: 'VP8 ' lossy, 'VP8L' lossless, 'VP8X' extended (look on).
    for (let p = 12; p + 8 <= bytes.length && p < 4096; ) {
      const id = text(p);
      if (id === 'VP8 ') return { kind: 'lossy', format };
      if (id === 'VP8L') return { kind: 'lossless', format };
      const size = bytes[p + 4]! | (bytes[p + 5]! << 8) | (bytes[p + 6]! << 16) | (bytes[p + 7]! << 24);
      p += 8 + size + (size & 1);
    }
    return { kind: 'lossy', format };
  }
  // HEIC and AVIF are almost always lossy in practice; their lossless mode is rare and not marked
  // in a way worth parsing here.
  if (format === 'heif' || format === 'avif') return { kind: 'lossy', format };
  return { kind: 'lossless', format };
}

/** In words, for the queue row and the CLI line. */
export function describeCompression(c: Compression): string {
  switch (c.kind) {
    case 'jpeg':
      return `JPEG ~q${c.quality}`;
    case 'lossy':
      return `lossy ${c.format.toUpperCase()}`;
    case 'lossless':
      return `lossless ${c.format.toUpperCase()}`;
  }
}
