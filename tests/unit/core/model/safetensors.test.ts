import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelError } from '../../../../electron/core/model/model-errors.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsFile,
  type TensorEntry,
  writeSafetensorsFile,
} from '../../../../electron/core/model/safetensors.js';

/** A safetensors file from a literal header and data bytes, for cases our encoder would never write. */
function rawFile(header: unknown, data: number[] | Uint8Array = []): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function bits(a: Float32Array): number[] {
  return [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
}

function expectModelError(fn: () => unknown, reason: ModelError['reason'], pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ModelError);
  const err = caught as ModelError;
  expect(err.reason).toBe(reason);
  expect(err.path).toBe('w.safetensors');
  expect(err.message).toMatch(/^w\.safetensors: /);
  expect(err.message).toMatch(pattern);
}

describe('encodeSafetensors', () => {
  it('writes the exact bytes the reference implementation writes for a 2-tensor file', () => {
    const tensors = new Map<string, TensorEntry>([
      ['b', { shape: [1, 1], data: new Float32Array([0.5]) }],
      ['a', { shape: [2], data: new Float32Array([1, -2]) }],
    ]);
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"b":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}';
    // 141 bytes of JSON, padded with 3 spaces to 144 = 0x90.
    const expected = [
      ...[0x90, 0, 0, 0, 0, 0, 0, 0],
      ...new TextEncoder().encode(`${header}   `),
      ...[0x00, 0x00, 0x80, 0x3f], // 1.0
      ...[0x00, 0x00, 0x00, 0xc0], // -2.0
      ...[0x00, 0x00, 0x00, 0x3f], // 0.5
    ];
    expect([...encodeSafetensors(tensors, { format: 'pt' })]).toEqual(expected);
  });

  it('omits __metadata__ when there is none and pads the header to 8 bytes', () => {
    const bytes = encodeSafetensors(new Map([['x', { shape: [], data: new Float32Array([3]) }]]));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd()).toBe('{"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}');
  });

  it('rejects a shape that does not match the data', () => {
    const bad = new Map([['x', { shape: [3], data: new Float32Array(2) }]]);
    expect(() => encodeSafetensors(bad)).toThrow(/shape \[3\] does not hold 2 values/);
  });
});

describe('decodeSafetensors', () => {
  it('round-trips values bit-exactly, including -0, NaN, subnormals and metadata', () => {
    const odd = new Float32Array([-0, Number.NaN, 1e-45, -3.4e38, Number.POSITIVE_INFINITY, 0.1]);
    const tensors = new Map<string, TensorEntry>([
      ['z.weight', { shape: [2, 3], data: odd }],
      ['a.bias', { shape: [4], data: new Float32Array([1, 2, 3, 4]) }],
      ['empty', { shape: [0, 5], data: new Float32Array(0) }],
    ]);
    const metadata = { format: 'pt', note: 'héllo "quoted"' };
    const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
    expect(decoded.metadata).toEqual(metadata);
    expect([...decoded.tensors.keys()].sort()).toEqual(['a.bias', 'empty', 'z.weight']);
    for (const [name, t] of tensors) {
      const got = decoded.tensors.get(name)!;
      expect(got.shape).toEqual(t.shape);
      expect(bits(got.data)).toEqual(bits(t.data));
    }
  });

  it('reads F32 data at an offset that is not 4-byte aligned', () => {
    // Header of odd length, and the buffer itself sliced at an odd offset.
    const file = rawFile(
      { t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } },
      [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40],
    );
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const t = decodeSafetensors(shifted.subarray(1)).tensors.get('t')!;
    expect([...t.data]).toEqual([1, 2]);
  });

  it('widens F16 to Float32', () => {
    const halves = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000, 0x7c00, 0xfc00, 0x3555];
    const data = new Uint8Array(new Uint16Array(halves).buffer);
    const file = rawFile(
      { h: { dtype: 'F16', shape: [halves.length], data_offsets: [0, data.length] } },
      data,
    );
    const got = [...decodeSafetensors(file).tensors.get('h')!.data];
    expect(got.slice(0, 8)).toEqual([
      1,
      -2,
      0.5,
      65504,
      2 ** -24,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(Object.is(got[5], -0)).toBe(true);
    expect(got[8]).toBeCloseTo(1 / 3, 3); // 0x3555 = 0.333251953125
    const nan = rawFile({ h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, [0x00, 0x7e]);
    expect(decodeSafetensors(nan).tensors.get('h')!.data[0]).toBeNaN();
  });

  it('widens BF16 to Float32', () => {
    const values = [0x3f80, 0xc000, 0x4049, 0x0000, 0xff80];
    const data = new Uint8Array(new Uint16Array(values).buffer);
    const file = rawFile({ b: { dtype: 'BF16', shape: [5], data_offsets: [0, 10] } }, data);
    expect([...decodeSafetensors(file).tensors.get('b')!.data]).toEqual([
      1,
      -2,
      3.140625,
      0,
      Number.NEGATIVE_INFINITY,
    ]);
  });

  it('rejects damaged files with a message naming the file and the problem', () => {
    const one = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
    const four = [0, 0, 0x80, 0x3f];
    const cases: Array<[Uint8Array, ModelError['reason'], RegExp]> = [
      [new Uint8Array(5), 'corrupt', /too short \(5 bytes\)/],
      [
        rawFile({ x: one }, four).subarray(0, 20),
        'corrupt',
        /header length \d+ runs past the end of the file/,
      ],
      [rawFile('{"x": {', four), 'corrupt', /header is not valid JSON/],
      [rawFile('[1, 2]'), 'corrupt', /header is not a JSON object/],
      [
        rawFile({ x: { ...one, data_offsets: [0, 8] } }, four),
        'corrupt',
        /tensor x: data_offsets \[0, 8\] run past/,
      ],
      [
        rawFile({ x: { ...one, data_offsets: [4, 0] } }, four),
        'corrupt',
        /tensor x: data_offsets \[4,0\] is not/,
      ],
      [
        rawFile({ x: { ...one, shape: [2] } }, four),
        'corrupt',
        /tensor x: shape \[2\] of F32 needs 8 bytes but data_offsets cover 4/,
      ],
      [rawFile({ x: { ...one, shape: [-1] } }, four), 'corrupt', /tensor x: shape is not a list/],
      [rawFile({ x: one, y: one }, four), 'corrupt', /tensors x and y overlap/],
      [
        rawFile({ x: { ...one, data_offsets: [4, 8] } }, [...four, ...four]),
        'corrupt',
        /4 unused bytes before the first/,
      ],
      [rawFile({ x: one }, [...four, 1, 2]), 'corrupt', /2 bytes after the last tensor belong to no tensor/],
      [
        rawFile({ x: { ...one, dtype: 'I64', shape: [], data_offsets: [0, 8] } }, new Uint8Array(8)),
        'incompatible',
        /dtype I64/,
      ],
      [rawFile({ __metadata__: { n: 3 } }), 'corrupt', /__metadata__ is not an object of strings/],
    ];
    for (const [bytes, reason, pattern] of cases)
      expectModelError(() => decodeSafetensors(bytes, 'w.safetensors'), reason, pattern);
  });
});

describe('safetensors files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'safetensors-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes atomically (no temp file left) and reads back what it wrote', async () => {
    const path = join(dir, 'w.safetensors');
    const tensors = new Map([['w', { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }]]);
    await writeSafetensorsFile(path, tensors, { step: '7' });
    expect(await readdir(dir)).toEqual(['w.safetensors']);
    expect(
      Buffer.from(await readFile(path)).equals(Buffer.from(encodeSafetensors(tensors, { step: '7' }))),
    ).toBe(true);
    const back = await readSafetensorsFile(path);
    expect(back.metadata).toEqual({ step: '7' });
    expect([...back.tensors.get('w')!.data]).toEqual([1, 2, 3, 4]);
  });

  it('reports a missing file as missing, naming it', async () => {
    const path = join(dir, 'nope.safetensors');
    await expect(readSafetensorsFile(path)).rejects.toMatchObject({ reason: 'missing', path });
  });
});
