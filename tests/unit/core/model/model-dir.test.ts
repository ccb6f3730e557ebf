import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allParams } from '../../../../electron/core/model/architecture.js';
import { loadModelDir, looksLikeOnnx, saveModelDir } from '../../../../electron/core/model/model-dir.js';
import { ModelError } from '../../../../electron/core/model/model-errors.js';
import { encodeSafetensors, type TensorEntry } from '../../../../electron/core/model/safetensors.js';
import { TINY, tinyModel } from './model-fixture.js';

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'model-dir-'));
  dir = join(root, 'tiny');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function loadError(): Promise<ModelError> {
  const err = await loadModelDir(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

/** Saves the tiny model, then rewrites its weights file with `edit` applied to the tensors. */
async function saveWithTensors(edit: (t: Map<string, TensorEntry>) => void): Promise<string> {
  const model = tinyModel();
  await saveModelDir(dir, model);
  const tensors = new Map<string, TensorEntry>();
  for (const p of allParams(TINY))
    tensors.set(p.name, { shape: [...p.shape], data: model.weights.get(p.name)! });
  edit(tensors);
  const file = join(dir, 'weights.safetensors');
  await writeFile(file, encodeSafetensors(tensors));
  return file;
}

describe('saveModelDir / loadModelDir', () => {
  it('round-trips manifest, weights bit-exactly and ONNX paths', async () => {
    const model = tinyModel();
    await saveModelDir(dir, model);
    expect((await readdir(dir)).sort()).toEqual([
      'decoder-plain.onnx',
      'decoder.onnx',
      'encoder.onnx',
      'model.json',
      'weights.safetensors',
    ]);
    const loaded = await loadModelDir(dir);
    expect(loaded.manifest).toEqual(model.manifest);
    expect(loaded.architecture).toEqual(TINY);
    expect([...loaded.weights.keys()]).toEqual(allParams(TINY).map((p) => p.name));
    for (const [name, data] of model.weights) expect(loaded.weights.get(name)).toEqual(data);
    expect(loaded.encoderPath).toBe(join(dir, 'encoder.onnx'));
    expect(loaded.decoderPath).toBe(join(dir, 'decoder.onnx'));
    expect(loaded.decoderPlainPath).toBe(join(dir, 'decoder-plain.onnx'));
    expect([...(await readFile(loaded.decoderPath))]).toEqual([...model.onnx.decoder]);
  });

  it('overwrites an existing model with the new files', async () => {
    await saveModelDir(dir, tinyModel('tiny', 1));
    const second = tinyModel('tiny', 2);
    await saveModelDir(dir, second);
    const loaded = await loadModelDir(dir);
    const name = allParams(TINY)[0].name;
    expect(loaded.weights.get(name)).toEqual(second.weights.get(name));
  });

  it('refuses to save weights that do not match the architecture, and writes nothing', async () => {
    const model = tinyModel();
    model.weights.delete('encoder.head.0.bias');
    await expect(saveModelDir(dir, model)).rejects.toMatchObject({
      reason: 'incompatible',
      message: expect.stringMatching(/missing tensor encoder\.head\.0\.bias/),
    });
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a save that dies part-way leaves no model.json, so the folder does not load half-updated', async () => {
    await saveModelDir(dir, tinyModel());
    const broken = tinyModel();
    // A detached buffer makes the decoder write throw after the new weights were already written.
    const onnx = new Uint8Array(4);
    structuredClone(onnx.buffer, { transfer: [onnx.buffer] });
    broken.onnx.decoder = onnx;
    await expect(saveModelDir(dir, broken)).rejects.toThrow();
    expect((await loadError()).reason).toBe('missing');
  });
});

describe('loadModelDir errors', () => {
  it('missing folder', async () => {
    const err = await loadError();
    expect(err).toMatchObject({ reason: 'missing', path: dir });
  });

  it('missing model.json', async () => {
    await saveModelDir(dir, tinyModel());
    await unlink(join(dir, 'model.json'));
    expect(await loadError()).toMatchObject({ reason: 'missing', path: join(dir, 'model.json') });
  });

  it('model.json that is not JSON', async () => {
    await saveModelDir(dir, tinyModel());
    await writeFile(join(dir, 'model.json'), '{ "formatVersion": 1,');
    const err = await loadError();
    expect(err).toMatchObject({ reason: 'corrupt', path: join(dir, 'model.json') });
    expect(err.message).toMatch(/is not valid JSON/);
  });

  it('missing weights file', async () => {
    await saveModelDir(dir, tinyModel());
    await unlink(join(dir, 'weights.safetensors'));
    expect(await loadError()).toMatchObject({ reason: 'missing', path: join(dir, 'weights.safetensors') });
  });

  it('truncated weights file', async () => {
    await saveModelDir(dir, tinyModel());
    const file = join(dir, 'weights.safetensors');
    await writeFile(file, (await readFile(file)).subarray(0, 100));
    expect(await loadError()).toMatchObject({ reason: 'corrupt', path: file });
  });

  it('a weights file larger than the architecture holds fails before it is read', async () => {
    const file = await saveWithTensors(() => undefined);
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
    // 10 MB of data behind a valid header: far beyond the tiny model's parameters as F32.
    await writeFile(file, Buffer.concat([await readFile(file), Buffer.alloc(10_000_000)]));
    const err = await loadError();
    expect(err.reason).toBe('incompatible');
    expect(err.message).toMatch(
      new RegExp(
        `is ${size + 10_000_000} bytes, but the architecture in model.json \\(features 4, resBlocks 1, hidden 8, hiddenLayers 4\\) has \\d+ parameters`,
      ),
    );
  });

  it('missing tensor', async () => {
    const file = await saveWithTensors((t) => t.delete('imnet.layers.0.weight'));
    const err = await loadError();
    expect(err).toMatchObject({ reason: 'incompatible', path: file });
    expect(err.message).toContain(`${file}: missing tensor imnet.layers.0.weight`);
  });

  it('many missing tensors are listed briefly', async () => {
    await saveWithTensors((t) => {
      for (const name of [...t.keys()].slice(0, 9)) t.delete(name);
    });
    expect((await loadError()).message).toMatch(/missing tensors (\S+, ){4}\S+ \(and 4 more\)/);
  });

  it('wrong shape', async () => {
    await saveWithTensors((t) => {
      t.get('imnet.layers.8.weight')!.shape = [8, 3];
    });
    const err = await loadError();
    expect(err.reason).toBe('incompatible');
    expect(err.message).toMatch(/wrong shape: imnet\.layers\.8\.weight is \[8, 3\], expected \[3, 8\]/);
  });

  it('extra tensor', async () => {
    await saveWithTensors((t) => t.set('encoder.tail.0.weight', { shape: [1], data: new Float32Array(1) }));
    const err = await loadError();
    expect(err.reason).toBe('incompatible');
    expect(err.message).toMatch(/unexpected tensor encoder\.tail\.0\.weight/);
  });

  it('NaN or infinite weights', async () => {
    const file = await saveWithTensors((t) => {
      t.get('encoder.body.1.bias')!.data[2] = Number.NaN;
    });
    const err = await loadError();
    expect(err).toMatchObject({ reason: 'corrupt', path: file });
    expect(err.message).toMatch(/tensor encoder\.body\.1\.bias contains NaN at index 2/);
  });

  it('missing, empty or non-ONNX graph files', async () => {
    await saveModelDir(dir, tinyModel());
    const plain = join(dir, 'decoder-plain.onnx');
    await unlink(plain);
    expect(await loadError()).toMatchObject({ reason: 'missing', path: plain });

    const encoder = join(dir, 'encoder.onnx');
    await writeFile(plain, tinyModel().onnx.decoderPlain!);
    await writeFile(encoder, new Uint8Array(0));
    const empty = await loadError();
    expect(empty).toMatchObject({ reason: 'corrupt', path: encoder });
    expect(empty.message).toMatch(/empty/);

    await writeFile(encoder, '<html>not a model</html>');
    const html = await loadError();
    expect(html).toMatchObject({ reason: 'corrupt', path: encoder });
    expect(html.message).toMatch(/not an ONNX model/);
  });
});

describe('looksLikeOnnx', () => {
  it('accepts ModelProto field tags and rejects text and other tags', () => {
    expect(looksLikeOnnx(new Uint8Array([0x08, 0x07]))).toBe(true); // ir_version
    expect(looksLikeOnnx(new Uint8Array([0x42, 0x02]))).toBe(true); // opset_import
    expect(looksLikeOnnx(new Uint8Array([0xa2, 0x01]))).toBe(true); // training_info (field 20, two-byte tag)
    expect(looksLikeOnnx(new TextEncoder().encode('{"'))).toBe(false);
    expect(looksLikeOnnx(new Uint8Array([0x0a, 0x00]))).toBe(false); // field 1 with the wrong wire type
    expect(looksLikeOnnx(new Uint8Array(0))).toBe(false);
  });
});
