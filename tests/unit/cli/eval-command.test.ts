import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJson, liif } from '../../helpers/run-cli.js';
import { makeTinyModelRoot } from '../../helpers/tiny-model.js';
import { gradientPixels, noisePixels, sharpOf } from '../core/image/image-fixtures.js';

describe('liif eval', () => {
  let root: string;
  let models: { root: string; dir: string };
  beforeAll(async () => {
    models = await makeTinyModelRoot('eval-cli-tiny', 2);
    root = await mkdtemp(join(tmpdir(), 'liif-eval-'));
    for (const set of ['SetA', 'SetB']) await mkdir(join(root, 'bench', set, 'HR'), { recursive: true });
    await sharpOf(gradientPixels(41, 36, 3))
      .png()
      .toFile(join(root, 'bench/SetA/HR/a.png'));
    await sharpOf(gradientPixels(33, 30, 1))
      .png()
      .toFile(join(root, 'bench/SetA/HR/b-gray.png'));
    await sharpOf(noisePixels(30, 30, 3, 8, 2))
      .png()
      .toFile(join(root, 'bench/SetB/HR/c.png'));
    await mkdir(join(root, 'plain'));
    await sharpOf(gradientPixels(40, 40, 3))
      .jpeg({ quality: 95 })
      .toFile(join(root, 'plain/p.jpg'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(models.root, { recursive: true, force: true });
  });

  it('scores named content sets beside the benchmark: a folder by path, and the rendered text pages', async () => {
    const args = ['eval', '--bicubic-only', '--data', join(root, 'bench'), '--scales', '2', '--json'];
    const r = await liif([...args, '--sets', `SetB,${join(root, 'plain')},text`, '--limit', '2']);
    expect(r.code, r.stderr).toBe(0);
    const results = lastJson(r.stdout).results as Array<{
      set: string;
      images: number;
      bicubic: { psnr: number };
    }>;
    expect(results.map((x) => [x.set, x.images])).toEqual([
      ['SetB', 1],
      ['plain', 1],
      ['text', 2],
    ]);
    for (const x of results) expect(x.bicubic.psnr).toBeGreaterThan(10);
    const missing = await liif([...args, '--sets', join(root, 'no-such-folder')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/evaluation folder not found/);
  });

  it('prints a table and a JSON summary with model and bicubic numbers per set and scale', async () => {
    const r = await liif([
      'eval',
      '--model',
      models.dir,
      '--data',
      join(root, 'bench'),
      '--sets',
      'SetA',
      '--scales',
      '2,3',
      '--provider',
      'cpu',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = lastJson(r.stdout);
    expect(summary.model).toBe('eval-cli-tiny');
    expect(summary.provider).toBe('cpu');
    expect(summary.results.map((x: { set: string; scale: number }) => `${x.set} x${x.scale}`)).toEqual([
      'SetA x2',
      'SetA x3',
    ]);
    for (const res of summary.results) {
      expect(res.images).toBe(2);
      for (const who of ['model', 'bicubic']) {
        expect(res[who].psnr).toBeGreaterThan(5);
        expect(res[who].ssim).toBeGreaterThan(-1);
        expect(res[who].ssim).toBeLessThanOrEqual(1);
      }
    }
    expect(r.stdout).toMatch(/SetA\s+x2\s+2\s+\d+\.\d\d/);
    expect(r.stderr).toMatch(/\[SetA x3 2\/2\] b-gray\.png {2}bicubic \d+\.\d\d dB/);
  });

  it('scores bicubic alone on a plain folder of images', async () => {
    const r = await liif([
      'eval',
      '--bicubic-only',
      '--data',
      join(root, 'plain'),
      '--scales',
      '4',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = lastJson(r.stdout);
    expect(summary.model).toBeNull();
    expect(summary.results).toHaveLength(1);
    expect(summary.results[0]).toMatchObject({ set: 'plain', scale: 4, images: 1, model: null });
    expect(summary.results[0].bicubic.psnr).toBeGreaterThan(20);
  });

  it('--degrade scores bicubic and the model on the same degraded LR, the same on a rerun', async () => {
    const args = ['eval', '--model', models.dir, '--data', join(root, 'plain'), '--scales', '2', '--json'];
    const clean = lastJson((await liif(args)).stdout);
    const run = () => liif([...args, '--degrade', 'noise:8+jpeg:30']);
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    const degraded = lastJson(first.stdout);
    expect(degraded.protocol.degrade).toBe('noise:8+jpeg:30');
    expect(clean.protocol.degrade).toBe('clean');
    expect(degraded.results[0].bicubic.psnr).toBeLessThan(clean.results[0].bicubic.psnr - 1);
    expect(degraded.results[0].model.psnr).not.toBe(clean.results[0].model.psnr);
    expect(lastJson((await run()).stdout).results).toEqual(degraded.results);
    const bad = await liif([...args, '--degrade', 'jpeg:101']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^liif: --degrade: jpeg quality must be 1-100/);
  });

  it('exits 2 with a clear message for a missing set, a missing model or bad arguments', async () => {
    const noSet = await liif(['eval', '--bicubic-only', '--data', join(root, 'bench'), '--sets', 'Set5']);
    expect(noSet.code).toBe(2);
    expect(noSet.stderr).toMatch(/no set Set5 .*there: SetA, SetB/);
    const noModel = await liif(['eval', '--data', join(root, 'bench'), '--model', 'nope'], {
      LIIF_MODELS_DIR: models.root,
    });
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/--bicubic-only/);
    const badScale = await liif(['eval', '--bicubic-only', '--scales', 'x0.5']);
    expect(badScale.code).toBe(2);
    expect(badScale.stderr).toMatch(/--scales needs numbers >= 1/);
  });
});
