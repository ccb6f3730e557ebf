import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomWeights } from '../../../../electron/core/model/random-weights.js';
import {
  type GpuRun,
  loadCheckpoint,
  saveCheckpoint,
} from '../../../../electron/core/train/optim/checkpoint.js';
import { type TrainConfig, train } from '../../../../electron/core/train/trainer.js';
import { TINY_ARCH } from '../../../helpers/tiny-model.js';

/** A folder of smooth, varied images of mixed sizes. */
async function makePhotos(dir: string, count: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const w = 60 + 17 * i;
    const h = 50 + 11 * i;
    const raw = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        raw[o] = 128 + 120 * Math.sin(x / (3 + i));
        raw[o + 1] = 128 + 120 * Math.cos(y / (4 + i));
        raw[o + 2] = (x * y) % 256;
      }
    const file = join(dir, `p${i}.png`);
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
      .png()
      .toFile(file);
    files.push(file);
  }
  return files;
}

describe('trainer', () => {
  let files: string[];
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'liif-train-'));
    files = await makePhotos(root, 4);
  });

  const config = (checkpointPath: string): TrainConfig => ({
    architecture: TINY_ARCH,
    trainFiles: files.slice(0, 3),
    validationFiles: files.slice(3),
    checkpointPath,
    seed: 7,
    batchSize: 2,
    lrSize: 16,
    queries: 64,
    schedule: { kind: 'constant', base: 1e-3 },
    mode: 'full',
    provider: 'cpu',
    validateEvery: 0,
    checkpointEvery: 0,
  });

  it("creates the folder of a new run's checkpoint", async () => {
    const path = join(root, 'new', 'model', 'checkpoint.safetensors');
    const result = await train(config(path), { initial: randomWeights(TINY_ARCH, 3) }, { steps: 1 });
    expect(result.step).toBe(1);
    expect((await loadCheckpoint(path)).info.step).toBe(1);
  });

  it('resuming from a checkpoint continues bit for bit like an uninterrupted run', async () => {
    const initial = randomWeights(TINY_ARCH, 3);
    const straight = await train(config(join(root, 'a.safetensors')), { initial }, { steps: 6 });
    const halfPath = join(root, 'b.safetensors');
    const first = await train(config(halfPath), { initial }, { steps: 3 });
    expect(first.step).toBe(3);
    const resumed = await train(config(halfPath), { resume: true }, { steps: 6 });
    expect(resumed.step).toBe(6);
    for (const [name, w] of straight.weights) expect(resumed.weights.get(name), name).toEqual(w);
    // And training actually moved the weights.
    expect(straight.weights.get('imnet.layers.8.bias')).not.toEqual(initial.get('imnet.layers.8.bias'));
    await copyFile(halfPath, join(root, 'kept.safetensors'));
  });

  it('keeps the record of merged GPU runs through a resume and its checkpoint', async () => {
    const path = join(root, 'gpu.safetensors');
    await train(config(path), { initial: randomWeights(TINY_ARCH, 4) }, { steps: 2 });
    const before = await loadCheckpoint(path);
    const run: GpuRun = {
      fromStep: 0,
      steps: 2,
      samples: 64,
      seconds: 1.5,
      device: 'test',
      batch: 32,
      queries: 64,
    };
    const shapes = new Map([...before.weights].map(([name, w]) => [name, [w.length]]));
    const shapeOf = (name: string) => shapes.get(name)!;
    await saveCheckpoint(path, { ...before, info: { ...before.info, gpuRuns: [run] } }, shapeOf);
    const resumed = await train(config(path), { resume: true }, { steps: 3 });
    expect(resumed.step).toBe(3);
    const after = await loadCheckpoint(path);
    expect(after.info.step).toBe(3);
    expect(after.info.gpuRuns).toEqual([run]);
  });

  it('resumes a decoder-only checkpoint in a mode that trains more parameters', async () => {
    // A fast-mode run interrupted before fast mode also trained the encoder's tail.
    const path = join(root, 'widen.safetensors');
    const initial = randomWeights(TINY_ARCH, 5);
    await train({ ...config(path), mode: 'decoder-only' }, { initial }, { steps: 2 });
    expect([...(await loadCheckpoint(path)).adam.m.keys()].some((n) => n.startsWith('encoder.'))).toBe(false);
    const resumed = await train(
      { ...config(path), mode: 'decoder-and-tail' },
      { resume: true },
      { steps: 4 },
    );
    expect(resumed.step).toBe(4);
    expect(resumed.weights.get('encoder.body.2.weight')).not.toEqual(initial.get('encoder.body.2.weight'));
    expect(resumed.weights.get('encoder.head.0.weight')).toEqual(initial.get('encoder.head.0.weight'));
    const after = await loadCheckpoint(path);
    expect(after.info.trainable).toContain('encoder.body.2.weight');
    expect(after.adam.m.has('encoder.body.2.weight')).toBe(true);
  });

  it('keeps a weight average that it returns, checkpoints and resumes bit for bit', async () => {
    const initial = randomWeights(TINY_ARCH, 3);
    const averaged = (path: string): TrainConfig => ({ ...config(path), averageDecay: 0.9 });
    const raw = await train(config(join(root, 'r.safetensors')), { initial }, { steps: 6 });
    const straight = await train(averaged(join(root, 'e.safetensors')), { initial }, { steps: 6 });
    const halfPath = join(root, 'f.safetensors');
    await train(averaged(halfPath), { initial }, { steps: 3 });
    const resumed = await train(averaged(halfPath), { resume: true }, { steps: 6 });
    for (const [name, w] of straight.weights) expect(resumed.weights.get(name), name).toEqual(w);
    // The average is not the raw weights, and lies between the start and the raw end point.
    const name = 'imnet.layers.8.bias';
    const [a, r, s] = [straight.weights.get(name)!, raw.weights.get(name)!, initial.get(name)!];
    expect(a).not.toEqual(r);
    for (let i = 0; i < a.length; i++) {
      expect(a[i]).toBeGreaterThanOrEqual(Math.min(s[i], r[i]) - 1e-3);
      expect(a[i]).toBeLessThanOrEqual(Math.max(s[i], r[i]) + 1e-3);
    }
  });

  it('keeps the best-validated weights through a checkpoint and a resume, as an uninterrupted run does', async () => {
    const initial = randomWeights(TINY_ARCH, 3);
    // A rate that makes the validated score move a lot between steps, so "best" is not "last".
    const keeping = (path: string): TrainConfig => ({
      ...config(path),
      schedule: { kind: 'constant', base: 3e-2 },
      validateEvery: 1,
      keepBest: true,
    });
    const straight = await train(keeping(join(root, 'best-a.safetensors')), { initial }, { steps: 6 });
    const scores = straight.history.validation;
    const top = scores.reduce((a, b) => (b.psnr > a.psnr ? b : a));
    // Not the last step (with this seed and rate), so the run below, interrupted at the best step,
    // can only know the best weights from its checkpoint after resuming.
    expect(top.step).toBeLessThan(6);
    expect(straight.best?.step).toBe(top.step);
    expect(straight.best?.psnr).toBe(top.psnr);
    if (top.step === 0)
      for (const [name, w] of initial) expect(straight.best?.weights.get(name), name).toEqual(w);
    else if (top.step === 6) expect(straight.best?.weights).toEqual(straight.weights);

    const halfPath = join(root, 'best-b.safetensors');
    await train(keeping(halfPath), { initial }, { steps: top.step });
    const resumed = await train(keeping(halfPath), { resume: true }, { steps: 6 });
    expect(resumed.best?.step).toBe(top.step);
    for (const [name, w] of straight.best!.weights) expect(resumed.best?.weights.get(name), name).toEqual(w);
    // Without keepBest nothing extra is kept.
    expect(
      (await train(config(join(root, 'best-c.safetensors')), { initial }, { steps: 1 })).best,
    ).toBeUndefined();
  });

  it('stops on abort with a checkpoint it can resume from', async () => {
    const controller = new AbortController();
    const path = join(root, 'abort.safetensors');
    const r = await train(
      config(path),
      { initial: randomWeights(TINY_ARCH, 3) },
      { steps: 100 },
      {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.kind === 'step' && e.step === 2) controller.abort();
        },
      },
    );
    expect(r.stoppedBy).toBe('abort');
    expect(r.step).toBe(2);
    const again = await train(config(path), { resume: true }, { steps: 3 });
    expect(again.step).toBe(3);
  });
});
