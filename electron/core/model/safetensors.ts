/**
 * The safetensors format (https://github.com/huggingface/safetensors#format): an 8-byte little-endian
 * u64 header length, a JSON header, then one flat little-endian byte buffer that the tensors index by
 * `data_offsets`. We write what the Rust reference writes for F32 tensors (tensors sorted by name,
 * `__metadata__` first, header padded with spaces to 8 bytes), so Python's `safetensors.torch.load_file`
 * reads our files and our files are byte-for-byte reproducible.
 */

import { readFile } from 'node:fs/promises';
import { writeFileDurable } from '../fs/durable-file.js';
import { fsModelError, ModelError } from './model-errors.js';

export interface TensorEntry {
  shape: number[];
  data: Float32Array;
}

export interface DecodedSafetensors {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

/** Readable dtypes and their sizes. F16/BF16 are widened to Float32 so half-precision exports load. */
const ITEM_SIZE = { F32: 4, F16: 2, BF16: 2 } as const;
type Dtype = keyof typeof ITEM_SIZE;

/** The reference reader's limit; a larger header means a damaged length field, not a real header. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function byteView(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Serialises F32 tensors. Tensors are laid out sorted by name and metadata keys are sorted, so the
 * same weights always give the same bytes.
 */
export function encodeSafetensors(
  tensors: Map<string, TensorEntry>,
  metadata?: Record<string, string>,
): Uint8Array {
  const names = [...tensors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  const metaKeys = Object.keys(metadata ?? {}).sort();
  // Python writes no __metadata__ key when there is none; do the same so the bytes match.
  if (metadata && metaKeys.length > 0) {
    header[METADATA_KEY] = Object.fromEntries(metaKeys.map((k) => [k, metadata[k]]));
  }
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) throw new RangeError(`"${METADATA_KEY}" is reserved and cannot name a tensor`);
    const { shape, data } = tensors.get(name)!;
    if (shape.some((d) => !Number.isInteger(d) || d < 0) || elementCount(shape) !== data.length) {
      throw new RangeError(`tensor ${name}: shape [${shape.join(', ')}] does not hold ${data.length} values`);
    }
    header[name] = { dtype: 'F32', shape: [...shape], data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }

  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withPad = new Uint8Array(padded).fill(0x20);
    withPad.set(json);
    json = withPad;
  }

  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const name of names) {
    const { data } = tensors.get(name)!;
    if (LITTLE_ENDIAN_HOST) {
      out.set(byteView(data), pos);
    } else {
      for (let i = 0; i < data.length; i++) view.setFloat32(pos + 4 * i, data[i], true);
    }
    pos += data.byteLength;
  }
  return out;
}

interface RawEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseEntry(name: string, value: unknown, dataLength: number, source: string): RawEntry {
  const corrupt = (detail: string) => new ModelError('corrupt', source, `tensor ${name}: ${detail}`);
  if (!isPlainObject(value)) throw corrupt('header entry is not an object');
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') throw corrupt('dtype is missing');
  if (!(dtype in ITEM_SIZE)) {
    throw new ModelError(
      'incompatible',
      source,
      `tensor ${name} has dtype ${dtype}; only F32, F16 and BF16 are supported`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount))
    throw corrupt('shape is not a list of non-negative integers');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw corrupt(`data_offsets ${JSON.stringify(offsets)} is not a [begin, end] pair with begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) {
    throw corrupt(`data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes)`);
  }
  const need = elementCount(shape) * ITEM_SIZE[dtype as Dtype];
  if (need !== end - begin) {
    throw corrupt(
      `shape [${shape.join(', ')}] of ${dtype} needs ${need} bytes but data_offsets cover ${end - begin}`,
    );
  }
  return { name, dtype: dtype as Dtype, shape, begin, end };
}

/** The reference format forbids overlaps and holes: every data byte belongs to exactly one tensor. */
function checkLayout(entries: RawEntry[], dataLength: number, source: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: RawEntry | undefined;
  for (const e of sorted) {
    if (e.begin < expected) {
      throw new ModelError('corrupt', source, `tensors ${previous?.name} and ${e.name} overlap in the data`);
    }
    if (e.begin > expected) {
      const after = previous ? `after tensor ${previous.name}` : 'before the first tensor';
      throw new ModelError('corrupt', source, `${e.begin - expected} unused bytes ${after}`);
    }
    expected = e.end;
    previous = e;
  }
  if (expected !== dataLength) {
    throw new ModelError(
      'corrupt',
      source,
      `${dataLength - expected} bytes after the last tensor belong to no tensor`,
    );
  }
}

let halfTable: Float32Array | undefined;

/** IEEE 754 binary16 -> float32 for all 65536 patterns, built once on first F16 read. */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) halfTable[h] = sign * frac * 2 ** -24;
    else if (exp === 31) halfTable[h] = frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else halfTable[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return halfTable;
}

function readTensor(bytes: Uint8Array, start: number, e: RawEntry): Float32Array {
  const count = elementCount(e.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, e.end - e.begin);
  if (e.dtype === 'F32') {
    if (LITTLE_ENDIAN_HOST) {
      // Copy into a fresh buffer: the offset into the file need not be 4-byte aligned.
      const copy = new Uint8Array(e.end - e.begin);
      copy.set(bytes.subarray(start, start + copy.length));
      return new Float32Array(copy.buffer);
    }
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
    return out;
  }
  const out = new Float32Array(count);
  if (e.dtype === 'F16') {
    const table = halfToFloatTable();
    for (let i = 0; i < count; i++) out[i] = table[view.getUint16(2 * i, true)];
  } else {
    // bfloat16 is the top half of a float32, so widening is a shift.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  }
  return out;
}

/**
 * Parses and validates a safetensors buffer. Every problem throws a ModelError naming `source`
 * ('corrupt' for damaged files, 'incompatible' for dtypes we cannot read).
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): DecodedSafetensors {
  const corrupt = (detail: string) => new ModelError('corrupt', source, detail);
  if (bytes.length < 8) throw corrupt(`file is too short (${bytes.length} bytes) to be a safetensors file`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    throw corrupt(
      `header length ${headerLength} runs past the end of the file (${bytes.length} bytes); truncated?`,
    );
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES))
    throw corrupt(`header length ${headerLength} is implausibly large`);
  const dataStart = 8 + Number(headerLength);
  const dataLength = bytes.length - dataStart;

  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
    header = JSON.parse(text);
  } catch (err) {
    throw new ModelError('corrupt', source, `header is not valid JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (!isPlainObject(header)) throw corrupt('header is not a JSON object');

  const metadata: Record<string, string> = {};
  const entries: RawEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
        throw corrupt(`${METADATA_KEY} is not an object of strings`);
      }
      Object.assign(metadata, value);
      continue;
    }
    entries.push(parseEntry(name, value, dataLength, source));
  }
  checkLayout(entries, dataLength, source);

  const tensors = new Map<string, TensorEntry>();
  for (const e of entries) {
    tensors.set(e.name, { shape: e.shape, data: readTensor(bytes, dataStart + e.begin, e) });
  }
  return { tensors, metadata };
}

/**
 * Writes `bytes` to `path` via a flushed temp file and a rename (fs/durable-file.ts), so readers
 * see either the old file or the complete new one, never a half-written one.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  try {
    await writeFileDurable(path, bytes);
  } catch (err) {
    throw fsModelError(err, path);
  }
}

export async function writeSafetensorsFile(
  path: string,
  tensors: Map<string, TensorEntry>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export async function readSafetensorsFile(path: string): Promise<DecodedSafetensors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw fsModelError(err, path);
  }
  return decodeSafetensors(bytes, path);
}
