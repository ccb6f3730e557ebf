import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE } from '../../../electron/core/image/degrade.js';
import { encoderParams } from '../../../electron/core/model/architecture.js';
import { loadModelDir } from '../../../electron/core/model/model-dir.js';
import { loadCheckpoint } from '../../../electron/core/train/optim/checkpoint.js';
import { lastJson, liif } from '../../helpers/run-cli.js';
import { makeTinyModelRoot } from '../../helpers/tiny-model.js';
import { makePhotoFolder } from '../core/finetune/photo-folder.js';

describe('liif train', () => {
  let photos: string;
  let base: { root: string; dir: string };
  beforeAll(async () => {
    photos = await mkdtemp(join(tmpdir(), 'liif-cli-train-'));
    await makePhotoFolder(photos);
    base = await makeTinyModelRoot('base', 3);
  });

  it('trains with the queries per sample asked for and records them in the checkpoint', async () => {
    const out = await mkdtemp(join(tmpdir(), 'liif-cli-train-out-'));
    const args = ['train', '--data', photos, '--out', out, '--from', base.dir, '--batch', '2'];
    const r = await liif([...args, '--lr-size', '16', '--queries', '100', '--steps', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ step: 2, stoppedBy: 'budget' });
    const checkpoint = await loadCheckpoint(join(out, 'checkpoint.safetensors'));
    expect(checkpoint.info.config).toMatchObject({ queries: 100, lrSize: 16, batchSize: 2 });
  });

  it('--schedule cosine anneals over --minutes when no --steps is given, over --steps otherwise', async () => {
    const args = ['train', '--data', photos, '--from', base.dir, '--batch', '2', '--lr-size', '16'];
    const byTime = await mkdtemp(join(tmpdir(), 'liif-cli-train-out-'));
    const cosine = [...args, '--out', byTime, '--queries', '64', '--schedule', 'cosine', '--lr', '2e-4'];
    const r = await liif(cosine);
    expect(r.code).toBe(2); // neither --steps nor --minutes
    const timed = await liif([...cosine, '--minutes', '0.02']);
    expect(timed.code, timed.stderr).toBe(0);
    const config = (await loadCheckpoint(join(byTime, 'checkpoint.safetensors'))).info.config;
    expect(config.schedule).toEqual({ kind: 'cosine-over-budget', base: 2e-4, min: 2e-6 });
    const bySteps = await mkdtemp(join(tmpdir(), 'liif-cli-train-out-'));
    const stepped = await liif([
      ...args,
      '--out',
      bySteps,
      '--queries',
      '64',
      '--schedule',
      'cosine',
      '--steps',
      '2',
    ]);
    expect(stepped.code, stepped.stderr).toBe(0);
    const steppedConfig = (await loadCheckpoint(join(bySteps, 'checkpoint.safetensors'))).info.config;
    expect(steppedConfig.schedule).toEqual({ kind: 'cosine', base: 1e-4, total: 2, min: 1e-6 });
  });

  it('--data DIR:W weighs folders and --synthetic mixes in rendered structure; both are recorded', async () => {
    const out = await mkdtemp(join(tmpdir(), 'liif-cli-train-out-'));
    const more = await mkdtemp(join(tmpdir(), 'liif-cli-train-more-'));
    await makePhotoFolder(more);
    const common = ['--from', base.dir, '--batch', '2', '--lr-size', '16', '--queries', '64', '--steps', '2'];
    const r = await liif([
      'train',
      '--data',
      `${photos}:3`,
      '--data',
      more,
      '--out',
      out,
      '--synthetic',
      '0.25',
      ...common,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
    expect(manifest.training.syntheticShare).toBe(0.25);
    expect(manifest.training.dataWeights).toEqual([
      { dir: photos, files: expect.any(Number), weight: 3 },
      { dir: more, files: expect.any(Number), weight: 1 },
    ]);
    const checkpoint = await loadCheckpoint(join(out, 'checkpoint.safetensors'));
    expect(checkpoint.info.config).toMatchObject({ syntheticShare: 0.25 });
    expect((checkpoint.info.config as { trainWeights?: unknown }).trainWeights).toBeUndefined();
    const zero = await liif(['train', '--data', `${photos}:0`, ...common]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/weight after ':' must be above 0/);
    const share = await liif(['train', '--data', photos, '--synthetic', '1.5', ...common]);
    expect(share.code).toBe(2);
    expect(share.stderr).toMatch(/--synthetic must be a share from 0 to 1/);
    const missing = await liif(['train', '--data', join(photos, 'no-such-folder'), ...common]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or folder/);
  });

  it('--degrade photo trains on degraded inputs from several folders and records the recipe', async () => {
    const out = await mkdtemp(join(tmpdir(), 'liif-cli-train-out-'));
    const more = await mkdtemp(join(tmpdir(), 'liif-cli-train-more-'));
    await makePhotoFolder(more);
    const r = await liif([
      'train',
      ...['--data', photos, '--data', more, '--out', out, '--from', base.dir, '--batch', '2'],
      ...[
        '--lr-size',
        '16',
        '--queries',
        '64',
        '--steps',
        '2',
        '--degrade',
        'photo',
        '--clean-share',
        '0.5',
        '--json',
      ],
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/training on \d+ images/);
    const checkpoint = await loadCheckpoint(join(out, 'checkpoint.safetensors'));
    expect(checkpoint.info.config).toMatchObject({ degrade: { ...DEFAULT_RECIPE, cleanShare: 0.5 } });
    const manifest = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
    expect(manifest.training.degradations).toMatchObject({ cleanShare: 0.5, jpegQuality: [30, 95] });
    const bad = await liif(['train', '--data', photos, '--steps', '1', '--clean-share', '0.5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--clean-share needs --degrade photo/);
  });

  it("--decoder lmf keeps --from's encoder and trains a new LMF decoder (decoder-only leaves it as it was)", async () => {
    const out = await mkdtemp(join(tmpdir(), 'liif-cli-train-out-'));
    const args = ['train', '--data', photos, '--out', out, '--from', base.dir, '--batch', '2'];
    const r = await liif([
      ...args,
      ...['--decoder', 'lmf', '--mode', 'decoder-only', '--lr-size', '16', '--queries', '64'],
      ...['--steps', '2', '--json'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const trained = await loadModelDir(out);
    const from = await loadModelDir(base.dir);
    expect(trained.architecture).toMatchObject({
      decoder: 'lmf',
      hidden: 16,
      hiddenLayers: 6,
      latentHidden: 208,
    });
    expect(trained.architecture.features).toBe(from.architecture.features);
    for (const p of encoderParams(trained.architecture))
      expect(trained.weights.get(p.name), p.name).toEqual(from.weights.get(p.name));
    expect(trained.weights.has('hypernet.layers.0.weight')).toBe(true);
    const bad = await liif([...args, '--decoder', 'siren', '--steps', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--decoder/);
  });

  it('refuses more queries than the smallest HR patch has pixels, before training', async () => {
    const out = await mkdtemp(join(tmpdir(), 'liif-cli-train-out-'));
    const r = await liif([
      'train',
      '--data',
      photos,
      '--out',
      out,
      '--lr-size',
      '16',
      '--queries',
      '257',
      '--steps',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--queries/);
  });
});
