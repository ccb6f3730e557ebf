/**
 * A model folder: model.json + weights.safetensors + the exported ONNX graphs. Loading checks that
 * every file is there and matches the manifest's architecture before any inference starts, so a bad
 * model fails with "which file, what is wrong" rather than a shape error deep inside ONNX Runtime.
 */

import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  allParams,
  type LiifArchitecture,
  lmfLatentHidden,
  parameterCount,
  type Weights,
} from './architecture.js';
import { fsModelError, ModelError } from './model-errors.js';
import { architectureOf, type ModelManifest, parseManifest } from './model-manifest.js';
import {
  readSafetensorsFile,
  type TensorEntry,
  writeFileAtomic,
  writeSafetensorsFile,
} from './safetensors.js';

export const MANIFEST_FILE = 'model.json';

export interface LoadedModel {
  dir: string;
  manifest: ModelManifest;
  architecture: LiifArchitecture;
  weights: Weights;
  encoderPath: string;
  decoderPath: string;
  decoderPlainPath?: string;
}

export interface ModelToSave {
  manifest: ModelManifest;
  weights: Weights;
  onnx: { encoder: Uint8Array; decoder: Uint8Array; decoderPlain?: Uint8Array };
}

/** How many names an 'incompatible' message lists before "and N more". */
const LIST_LIMIT = 5;

function listNames(names: string[]): string {
  const shown = names.slice(0, LIST_LIMIT).join(', ');
  return names.length > LIST_LIMIT ? `${shown} (and ${names.length - LIST_LIMIT} more)` : shown;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks decoded tensors against the architecture: every parameter present with its exact shape and
 * nothing else, then that all values are finite. Throws ModelError naming `file`.
 */
export function checkWeights(
  tensors: Map<string, TensorEntry>,
  arch: LiifArchitecture,
  file: string,
): Weights {
  const specs = allParams(arch);
  const missing: string[] = [];
  const wrongShape: string[] = [];
  for (const p of specs) {
    const t = tensors.get(p.name);
    if (!t) missing.push(p.name);
    else if (!sameShape(t.shape, p.shape)) {
      wrongShape.push(`${p.name} is ${formatShape(t.shape)}, expected ${formatShape(p.shape)}`);
    }
  }
  const known = new Set(specs.map((p) => p.name));
  const unknown = [...tensors.keys()].filter((name) => !known.has(name));
  const problems: string[] = [];
  if (missing.length) problems.push(`missing tensor${missing.length > 1 ? 's' : ''} ${listNames(missing)}`);
  if (wrongShape.length) problems.push(`wrong shape: ${listNames(wrongShape)}`);
  if (unknown.length)
    problems.push(`unexpected tensor${unknown.length > 1 ? 's' : ''} ${listNames(unknown)}`);
  if (problems.length) {
    throw new ModelError(
      'incompatible',
      file,
      `${problems.join('; ')} (does not match the architecture in model.json)`,
    );
  }

  const weights: Weights = new Map();
  for (const p of specs) {
    const data = tensors.get(p.name)!.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new ModelError('corrupt', file, `tensor ${p.name} contains ${data[i]} at index ${i}`);
      }
    }
    weights.set(p.name, data);
  }
  return weights;
}

/**
 * onnx.ModelProto's field numbers (onnx.proto) by wire type: a serialised model starts with one of
 * them. Exporters write ir_version (field 1, varint) first; the rest cover other writers.
 */
const VARINT_FIELDS = new Set([1, 5]);
const LENGTH_DELIMITED_FIELDS = new Set([2, 3, 4, 6, 7, 8, 14, 20, 25, 26]);

/** True when `head` starts with a tag of onnx.ModelProto. Cannot prove the file is ONNX, only rule out other files. */
export function looksLikeOnnx(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let tag = head[0] & 0x7f;
  if (head[0] & 0x80) {
    if (head.length < 2 || head[1] & 0x80) return false;
    tag |= head[1] << 7;
  }
  const field = tag >> 3;
  const wireType = tag & 7;
  return (
    (wireType === 0 && VARINT_FIELDS.has(field)) || (wireType === 2 && LENGTH_DELIMITED_FIELDS.has(field))
  );
}

async function checkOnnxFile(file: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw fsModelError(err, file, 'ONNX file');
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ModelError('corrupt', file, 'is not a file');
    if (info.size === 0) throw new ModelError('corrupt', file, 'ONNX file is empty');
    const head = new Uint8Array(2);
    await handle.read(head, 0, 2, 0);
    if (!looksLikeOnnx(head.subarray(0, Math.min(2, info.size)))) {
      throw new ModelError('corrupt', file, 'is not an ONNX model (does not start like an ONNX protobuf)');
    }
  } catch (err) {
    throw fsModelError(err, file, 'ONNX file');
  } finally {
    await handle.close();
  }
}

/** The widest dtype we read (F32); F16/BF16 files are half the size. */
const MAX_BYTES_PER_PARAM = 4;
/** What a safetensors header of ours takes per tensor, generously (name, dtype, shape, offsets). */
const HEADER_BYTES_PER_TENSOR = 512;

/**
 * Checks the weights file's size against model.json's architecture before reading it, so a file
 * larger than the model it claims to hold fails at once, naming both numbers, instead of being
 * read into memory whole. A smaller file is read (it is small) and checkWeights names what is
 * missing, which says more than a byte count.
 */
async function checkWeightsSize(file: string, arch: LiifArchitecture): Promise<void> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw fsModelError(err, file);
  }
  const count = parameterCount(arch);
  const header = 8 + allParams(arch).length * HEADER_BYTES_PER_TENSOR;
  if (size > count * MAX_BYTES_PER_PARAM + header) {
    const { features, resBlocks, hidden, hiddenLayers } = arch;
    const decoder = arch.decoder === 'lmf' ? `, decoder lmf, latentHidden ${lmfLatentHidden(arch)}` : '';
    throw new ModelError(
      'incompatible',
      file,
      `is ${size} bytes, but the architecture in model.json (features ${features}, resBlocks ${resBlocks}, hidden ${hidden}, hiddenLayers ${hiddenLayers}${decoder}) has ${count} parameters: at most ${count * MAX_BYTES_PER_PARAM} bytes of data as F32`,
    );
  }
}

/** Reads and validates model.json only (cheap: no weights), e.g. for listing models. */
export async function loadManifest(dir: string): Promise<ModelManifest> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw fsModelError(err, file, 'model.json');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelError('corrupt', file, `is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return parseManifest(json, file);
}

/**
 * Loads and fully checks a model folder. Every failure is a ModelError whose path is the file at
 * fault: 'missing' (folder/file not there), 'corrupt' (unreadable, NaN), 'incompatible' (wrong tensors).
 */
export async function loadModelDir(dir: string): Promise<LoadedModel> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new ModelError('missing', dir, 'is not a folder');
  } catch (err) {
    throw fsModelError(err, dir, 'model folder');
  }
  const manifest = await loadManifest(dir);
  const architecture = architectureOf(manifest);
  const weightsFile = join(dir, manifest.files.weights);
  await checkWeightsSize(weightsFile, architecture);
  const { tensors } = await readSafetensorsFile(weightsFile);
  const weights = checkWeights(tensors, architecture, weightsFile);

  const encoderPath = join(dir, manifest.files.encoder);
  const decoderPath = join(dir, manifest.files.decoder);
  const decoderPlainPath = manifest.files.decoderPlain && join(dir, manifest.files.decoderPlain);
  for (const file of [encoderPath, decoderPath, decoderPlainPath]) if (file) await checkOnnxFile(file);

  return {
    dir,
    manifest,
    architecture,
    weights,
    encoderPath,
    decoderPath,
    ...(decoderPlainPath ? { decoderPlainPath } : {}),
  };
}

/**
 * Writes a model folder. model.json is removed first and written last, each file atomically, so a
 * crash part-way leaves a folder that fails to load ('missing' model.json) rather than one that
 * loads new weights with old ONNX graphs. Refuses to write a model that would not load.
 */
export async function saveModelDir(dir: string, model: ModelToSave): Promise<void> {
  const manifestFile = join(dir, MANIFEST_FILE);
  const manifest = parseManifest(model.manifest, manifestFile);
  const { files } = manifest;
  if (Boolean(files.decoderPlain) !== Boolean(model.onnx.decoderPlain)) {
    throw new RangeError('manifest.files.decoderPlain and onnx.decoderPlain must be given together');
  }
  const arch = architectureOf(manifest);
  const tensors = new Map<string, TensorEntry>();
  const shapes = new Map(allParams(arch).map((p) => [p.name, [...p.shape]]));
  for (const [name, data] of model.weights) {
    // Weights carry no shapes; take the architecture's when the size fits, so checkWeights reports the rest.
    const shape = shapes.get(name);
    const fits = shape !== undefined && shape.reduce((a, b) => a * b, 1) === data.length;
    tensors.set(name, { shape: fits ? shape : [data.length], data });
  }
  checkWeights(tensors, arch, join(dir, files.weights));

  try {
    await mkdir(dir, { recursive: true });
    await unlink(manifestFile).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  } catch (err) {
    throw fsModelError(err, manifestFile, 'model folder');
  }
  await writeSafetensorsFile(join(dir, files.weights), tensors);
  await writeFileAtomic(join(dir, files.encoder), model.onnx.encoder);
  await writeFileAtomic(join(dir, files.decoder), model.onnx.decoder);
  if (files.decoderPlain && model.onnx.decoderPlain) {
    await writeFileAtomic(join(dir, files.decoderPlain), model.onnx.decoderPlain);
  }
  await writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
}
