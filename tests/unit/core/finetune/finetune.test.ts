import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FinetuneEvent,
  type FinetuneRequest,
  resumeFinetune,
  startFinetune,
} from '../../../../electron/core/finetune/finetune.js';
import { listInterruptedRuns } from '../../../../electron/core/finetune/finetune-run.js';
import { compareHeldOutPhotos } from '../../../../electron/core/finetune/held-out-photos.js';
import { DEFAULT_RECIPE } from '../../../../electron/core/image/degrade.js';
import { exportModelDir } from '../../../../electron/core/model/export-model.js';
import { loadModelDir } from '../../../../electron/core/model/model-dir.js';
import { listModels } from '../../../../electron/core/model/model-registry.js';
import { randomWeights } from '../../../../electron/core/model/random-weights.js';
import { makeTinyModelRoot, TINY_ARCH, TINY_LMF_ARCH } from '../../../helpers/tiny-model.js';
import { makePhotoFolder } from './photo-folder.js';

/**
 * Test-sized training: tiny model, 16-pixel crops, 64 queries, batch 2; and neither full mode's
 * learning-rate warm-up nor its average held at the base, so that a run of a few steps moves.
 */
const KNOBS = {
  batchSize: 2,
  lrSize: 16,
  queries: 64,
  learningRate: 1e-3,
  validateEvery: 2,
  checkpointEvery: 1,
  warmupSteps: 0,
  averageFromBase: false,
};

async function folderHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(dir)).sort()) hash.update(name).update(await readFile(join(dir, name)));
  return hash.digest('hex');
}

describe('fine-tuning', () => {
  let photos: string;
  let base: { root: string; dir: string };
  let baseHash: string;
  const newModelsDir = () => mkdtemp(join(tmpdir(), 'liif-user-models-'));
  const request = (name: string, extra: Partial<FinetuneRequest> = {}): FinetuneRequest => ({
    name,
    folders: [photos],
    recursive: true,
    from: base.dir,
    budget: { steps: 4 },
    holdout: 0.25,
    knobs: KNOBS,
    ...extra,
  });
  beforeAll(async () => {
    photos = await mkdtemp(join(tmpdir(), 'liif-ft-photos-'));
    await makePhotoFolder(photos);
    base = await makeTinyModelRoot('base', 5);
    baseHash = await folderHash(base.dir);
  });

  it('trains, scores base and tuned on the same held-out images, and saves a named model', async () => {
    const modelsDir = await newModelsDir();
    const events: FinetuneEvent[] = [];
    const exampleDir = join(modelsDir, '..', `${basename(modelsDir)}-example`);
    const result = await startFinetune(
      request('my photos'),
      { modelsDir, roots: [base.root], exampleDir },
      {
        onEvent: (e) => events.push(e),
      },
    );
    expect(result.status).toBe('saved');
    if (result.status !== 'saved') return;
    expect(result.steps).toBe(4);
    expect(result.selectedStep).toBe(4); // the last weights, by default
    const scan = events.find((e) => e.kind === 'scan');
    expect(scan?.kind === 'scan' && scan.report.usable.length).toBe(8);
    const baseline = events.find((e) => e.kind === 'baseline');
    expect(baseline?.kind === 'baseline' && baseline.psnr).toBe(result.base.psnr);
    expect(result.tuned.psnr).not.toBe(result.base.psnr);
    expect(events.filter((e) => e.kind === 'step').length).toBe(4);
    // Each held-out photo scored before and after, and the count agrees with those scores.
    expect(result.base.perImage).toHaveLength(2);
    expect(result.tuned.perImage).toHaveLength(2);
    expect(result.photos).toEqual(compareHeldOutPhotos(result.base.perImage, result.tuned.perImage));
    expect(result.photos?.of).toBe(2);

    const model = await loadModelDir(result.dir);
    expect(model.manifest.name).toBe('my photos');
    expect(model.manifest.training).toMatchObject({
      kind: 'finetune',
      baseModel: 'base',
      steps: 4,
      mode: 'full',
      images: { train: 6, heldOut: 2, skipped: 3 },
    });
    expect(model.manifest.scores?.heldOut).toMatchObject({
      // Both held-out images scored (up to 8 by default).
      images: 2,
      basePsnr: result.base.psnr,
      tunedPsnr: result.tuned.psnr,
      photos: result.photos,
    });
    expect(model.manifest.description).toContain(`of 2 held-out photos`);

    // The pictures for the app: a held-out photo (the one that gained most at x4), four panels.
    const run = events.find((e) => e.kind === 'run');
    const heldOut = run?.kind === 'run' ? run.run.holdoutFiles : [];
    const example = result.example;
    expect(heldOut).toContain(example?.photo);
    expect(example?.scale).toBe(4);
    expect(Object.values(example?.images ?? {}).map((f) => f.startsWith(exampleDir))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    const sizes = await Promise.all(
      Object.values(example?.images ?? {}).map(async (f) => {
        const { width, height } = await sharp(f).metadata();
        return [width, height];
      }),
    );
    expect(new Set(sizes.map(String)).size).toBe(1);
    expect(sizes[0][0]).toBeGreaterThanOrEqual(40);
    expect(example?.psnr.tuned).not.toBe(example?.psnr.base);
    expect(await readFile(example!.images.tuned)).not.toEqual(await readFile(example!.images.base));
    expect((await listModels([modelsDir])).map((m) => m.name)).toEqual(['my photos']);
    expect(await listInterruptedRuns(modelsDir)).toEqual([]);
    expect(await folderHash(base.dir)).toBe(baseHash);
  });

  it('cancelling leaves the base model untouched and writes no model; resuming continues the run', async () => {
    const modelsDir = await newModelsDir();
    const controller = new AbortController();
    const paused = await startFinetune(
      request('resumable', { budget: { steps: 5 } }),
      { modelsDir, roots: [base.root] },
      {
        signal: controller.signal,
        onEvent: (e) => e.kind === 'step' && e.step === 2 && controller.abort(),
      },
    );
    expect(paused).toMatchObject({ status: 'paused', step: 2 });
    expect(await listModels([modelsDir])).toEqual([]);
    expect(await folderHash(base.dir)).toBe(baseHash);
    const runs = await listInterruptedRuns(modelsDir);
    expect(runs.map((r) => [r.run.name, r.hasCheckpoint, r.run.progress?.step])).toEqual([
      ['resumable', true, 2],
    ]);
    expect(runs[0].run.base?.psnr).toBeGreaterThan(0);
    await expect(startFinetune(request('resumable'), { modelsDir, roots: [base.root] })).rejects.toThrow(
      /interrupted fine-tuning run named "resumable" exists/,
    );

    const steps: number[] = [];
    const done = await resumeFinetune(
      'resumable',
      { modelsDir, roots: [base.root] },
      {
        onEvent: (e) => e.kind === 'step' && steps.push(e.step),
      },
    );
    expect(steps).toEqual([3, 4, 5]);
    expect(done).toMatchObject({ status: 'saved', steps: 5 });
    if (done.status === 'saved') expect(done.base.psnr).toBe(runs[0].run.base?.psnr);
    expect((await listModels([modelsDir])).map((m) => m.name)).toEqual(['resumable']);
    expect(await listInterruptedRuns(modelsDir)).toEqual([]);
  });

  it('decays the learning rate over the budget when asked, across a pause and resume', async () => {
    const modelsDir = await newModelsDir();
    const knobs = { ...KNOBS, decay: 'cosine' as const };
    const rates: number[] = [];
    const controller = new AbortController();
    const onEvent = (e: FinetuneEvent) => {
      if (e.kind !== 'step') return;
      rates.push(e.lr);
      if (e.step === 2) controller.abort();
    };
    const env = { modelsDir, roots: [base.root] };
    const paused = await startFinetune(request('decaying', { budget: { steps: 4 }, knobs }), env, {
      signal: controller.signal,
      onEvent,
    });
    expect(paused).toMatchObject({ status: 'paused', step: 2 });
    const saved = await resumeFinetune('decaying', env, { onEvent });
    expect(saved).toMatchObject({ status: 'saved', steps: 4 });
    if (saved.status !== 'saved') throw new Error('not saved');
    expect((await loadModelDir(saved.dir)).manifest.training).toMatchObject({
      learningRateDecay: 'cosine over the budget',
    });
    // Update k (0-based) runs at 1e-3 * (1 + cos(pi k / 4)) / 2: the resumed run goes on where it stopped.
    const expected = [0, 1, 2, 3].map((k) => 1e-3 * 0.5 * (1 + Math.cos((Math.PI * k) / 4)));
    expect(rates).toHaveLength(4);
    rates.forEach((rate, k) => {
      expect(rate).toBeCloseTo(expected[k], 12);
    });
  });

  it("fast mode trains the decoder and the encoder's tail, not its head", async () => {
    const modelsDir = await newModelsDir();
    const result = await startFinetune(request('fast one', { mode: 'fast', budget: { steps: 2 } }), {
      modelsDir,
      roots: [base.root],
    });
    if (result.status !== 'saved') throw new Error('not saved');
    const [tuned, original] = await Promise.all([loadModelDir(result.dir), loadModelDir(base.dir)]);
    expect(tuned.weights.get('encoder.head.0.weight')).toEqual(original.weights.get('encoder.head.0.weight'));
    for (const trained of ['imnet.layers.0.weight', 'encoder.body.1.body.2.weight', 'encoder.body.2.weight'])
      expect(tuned.weights.get(trained)).not.toEqual(original.weights.get(trained));
  });

  it('saves the moving average of the weights when averaging is asked for', async () => {
    const modelsDir = await newModelsDir();
    const tune = async (name: string, averageDecay?: number) => {
      const knobs = averageDecay === undefined ? KNOBS : { ...KNOBS, averageDecay };
      const result = await startFinetune(request(name, { mode: 'fast', budget: { steps: 1 }, knobs }), {
        modelsDir,
        roots: [base.root],
      });
      if (result.status !== 'saved') throw new Error('not saved');
      return (await loadModelDir(result.dir)).weights.get('imnet.layers.0.weight')!;
    };
    const raw = await tune('raw', 0); // averaging is on by default: off here
    const averaged = await tune('averaged', 0.99);
    const original = (await loadModelDir(base.dir)).weights.get('imnet.layers.0.weight')!;
    // One update with the warm-up's decay of 0.1 (weight-average.ts): the average moved 0.9 of the
    // way from the base to the (same-seed, so identical) raw weights.
    const moved = (w: Float32Array) => Array.from(w, (v, i) => v - original[i]);
    const expected = moved(raw).map((d) => 0.9 * d);
    expect(Math.max(...moved(raw).map(Math.abs))).toBeGreaterThan(1e-6);
    moved(averaged).forEach((d, i) => {
      expect(d).toBeCloseTo(expected[i], 6);
    });
  });

  it("keeps the best-scoring weights when asked, and the base's own when no step beats them", async () => {
    const modelsDir = await newModelsDir();
    const tune = async (name: string, learningRate: number) => {
      const knobs = { ...KNOBS, keepBest: true, learningRate, validateEvery: 1 };
      const result = await startFinetune(request(name, { budget: { steps: 4 }, knobs }), {
        modelsDir,
        roots: [base.root],
      });
      if (result.status !== 'saved') throw new Error('not saved');
      const scores = result.history.validation;
      expect(scores.map((v) => v.step)).toEqual([0, 1, 2, 3, 4]);
      const best = scores.reduce((a, b) => (b.psnr > a.psnr ? b : a));
      expect(result.selectedStep).toBe(best.step);
      expect(result.tuned.psnr).toBe(best.psnr);
      return { result, model: await loadModelDir(result.dir) };
    };
    const original = await loadModelDir(base.dir);

    // A learning rate this large wrecks the weights at the first step: the base stays the best.
    const wrecked = await tune('wrecked', 5);
    expect(wrecked.result.history.validation.at(-1)!.psnr).toBeLessThan(wrecked.result.base.psnr - 1);
    expect(wrecked.result.selectedStep).toBe(0);
    expect(wrecked.result.tuned.psnr).toBe(wrecked.result.base.psnr);
    for (const [name, w] of original.weights) expect(wrecked.model.weights.get(name), name).toEqual(w);
    expect(wrecked.model.manifest.description).toMatch(/no step scored above the base.*base model's weights/);
    expect(wrecked.model.manifest.training).toMatchObject({ steps: 4, selectedStep: 0 });

    // At the usual rate the run improves on the base, and the saved model is its best step.
    const improved = await tune('improved', 1e-3);
    expect(improved.result.selectedStep).toBeGreaterThan(0);
    expect(improved.result.tuned.psnr).toBeGreaterThan(improved.result.base.psnr);
    expect(improved.model.manifest.training).toMatchObject({ selectedStep: improved.result.selectedStep });
  });

  it('a save that fails replaces nothing, says so and keeps the run to resume', async () => {
    const modelsDir = await newModelsDir();
    const env = { modelsDir, roots: [base.root] };
    // Something else takes the model's place while it is being saved (a full disk fails the same
    // way, at a different moment: saveModel catches every failure alike).
    const squatter = join(modelsDir, 'crowded');
    const failed = startFinetune(request('crowded', { budget: { steps: 2 } }), env, {
      onEvent: (e) => {
        if (e.kind === 'saving') writeFileSync(squatter, 'not a model');
      },
    });
    await expect(failed).rejects.toMatchObject({
      code: 'save-failed',
      message: expect.stringMatching(
        /could not save the model "crowded".*nothing was replaced, the checkpoint is kept/,
      ),
    });
    expect(await readFile(squatter, 'utf8')).toBe('not a model');
    const runs = await listInterruptedRuns(modelsDir);
    expect(runs.map((r) => [r.run.name, r.hasCheckpoint])).toEqual([['crowded', true]]);

    await rm(squatter);
    const steps: number[] = [];
    const saved = await resumeFinetune('crowded', env, {
      onEvent: (e) => e.kind === 'step' && steps.push(e.step),
    });
    expect(saved).toMatchObject({ status: 'saved', steps: 2 });
    expect(steps).toEqual([]);
    expect((await listModels([modelsDir])).map((m) => m.name)).toEqual(['crowded']);
  });

  it('tuning a photo model keeps its degradations, and records them in the tuned model', async () => {
    const photoBase = await mkdtemp(join(tmpdir(), 'liif-photo-base-'));
    const recipe = { ...DEFAULT_RECIPE, cleanShare: 0.4 };
    await exportModelDir(join(photoBase, 'photo'), TINY_ARCH, randomWeights(TINY_ARCH, 9), {
      name: 'photo',
      training: { degradations: recipe },
    });
    const modelsDir = await newModelsDir();
    const env = { modelsDir, roots: [photoBase] };
    const runs: FinetuneEvent[] = [];
    const result = await startFinetune(
      request('tuned-photo', { from: join(photoBase, 'photo'), budget: { steps: 2 } }),
      env,
      {
        onEvent: (e) => e.kind === 'run' && runs.push(e),
      },
    );
    expect(result.status).toBe('saved');
    expect(runs[0]).toMatchObject({ run: { knobs: { degrade: recipe } } });
    const tuned = await loadModelDir(join(modelsDir, 'tuned-photo'));
    expect(tuned.manifest.training?.degradations).toEqual(recipe);
    // A clean base trains on clean inputs.
    const clean = await startFinetune(request('tuned-clean', { budget: { steps: 1 } }), {
      modelsDir,
      roots: [base.root],
    });
    expect(clean.status).toBe('saved');
    expect(
      (await loadModelDir(join(modelsDir, 'tuned-clean'))).manifest.training?.degradations,
    ).toBeUndefined();
  });

  it('fine-tunes an LMF model and saves an LMF model', async () => {
    const lmf = await makeTinyModelRoot('lmf-base', 6, TINY_LMF_ARCH);
    const modelsDir = await newModelsDir();
    const result = await startFinetune(
      request('my lmf photos', { from: lmf.dir, budget: { steps: 2 }, mode: 'fast' }),
      { modelsDir, roots: [lmf.root] },
      {},
    );
    expect(result.status).toBe('saved');
    if (result.status !== 'saved') return;
    expect(result.tuned.psnr).not.toBe(result.base.psnr);
    const model = await loadModelDir(result.dir);
    expect(model.architecture).toEqual(TINY_LMF_ARCH);
    expect(model.manifest.training).toMatchObject({ baseModel: 'lmf-base', steps: 2, mode: 'fast' });
  });

  it('refuses a taken name, a bad name and a folder without photos before training', async () => {
    const modelsDir = await newModelsDir();
    const env = { modelsDir: base.root, roots: [base.root] };
    await expect(startFinetune(request('base'), env)).rejects.toThrow(/a model named "base" already exists/);
    await expect(startFinetune(request('../escape'), env)).rejects.toThrow(/not a usable model name/);
    const empty = await mkdtemp(join(tmpdir(), 'liif-ft-empty-'));
    await expect(
      startFinetune(request('x', { folders: [empty] }), { modelsDir, roots: [base.root] }),
    ).rejects.toThrow(/no image files in/);
    expect(await listInterruptedRuns(modelsDir)).toEqual([]);
  });
});
