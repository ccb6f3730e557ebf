import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lastJson, liif } from '../../helpers/run-cli.js';
import { makeTinyModelRoot } from '../../helpers/tiny-model.js';
import { makePhotoFolder } from '../core/finetune/photo-folder.js';

const BIN = join(import.meta.dirname, '../../../bin/liif.js');
const SMALL = ['--batch', '2', '--lr-size', '16', '--queries', '64', '--validate-every', '2'];

describe('liif finetune', () => {
  let photos: string;
  let base: { root: string; dir: string };
  beforeAll(async () => {
    photos = await mkdtemp(join(tmpdir(), 'liif-cli-ft-'));
    await makePhotoFolder(photos);
    base = await makeTinyModelRoot('base', 2);
  });

  it('saves a model that liif models lists and liif upscale --model uses', async () => {
    const userModels = await mkdtemp(join(tmpdir(), 'liif-cli-user-'));
    const env = { LIIF_MODELS_DIR: userModels };
    const r = await liif(
      [
        'finetune',
        '--data',
        photos,
        '--name',
        'mine',
        '--from',
        base.dir,
        '--steps',
        '3',
        '--mode',
        'fast',
        ...SMALL,
        '--example',
        join(userModels, 'example'),
        '--json',
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/found 6 usable images, skipped 3 \(1 not-an-image, 1 truncated, 1 too-small\)/);
    expect(r.stderr).toMatch(/base model held-out PSNR/);
    const summary = lastJson(r.stdout);
    expect(summary).toMatchObject({ status: 'saved', name: 'mine', steps: 3, baseModel: 'base' });
    expect(summary.basePsnr).toBeGreaterThan(0);
    expect(summary.tunedPsnr).toBeGreaterThan(0);
    expect(summary.heldOutPhotos).toMatchObject({ of: expect.any(Number) });
    expect(r.stderr).toMatch(/better on \d+ of \d+ held-out photos/);
    expect(r.stderr).toMatch(
      /example: photo-\d\.(png|jpg) at x4 in .*example \(bicubic [\d.]+, base [\d.]+, tuned [\d.]+ dB\)/,
    );
    expect(summary.example).toMatchObject({ scale: 4, psnr: { base: expect.any(Number) } });
    expect((await readdir(join(userModels, 'example'))).sort()).toEqual([
      'base.png',
      'bicubic.png',
      'original.png',
      'tuned.png',
    ]);

    const models = lastJson((await liif(['models', '--json'], env)).stdout);
    expect(models.models.map((m: { name: string }) => m.name)).toContain('mine');
    const out = await mkdtemp(join(tmpdir(), 'liif-cli-ft-out-'));
    const up = await liif(
      ['upscale', join(photos, 'photo-0.png'), '--scale', '2', '--model', 'mine', '-o', out, '--json'],
      env,
    );
    expect(up.code, up.stderr).toBe(0);
    expect(lastJson(up.stdout).results[0]).toMatchObject({ status: 'done', width: 128, height: 96 });
    expect(await readdir(out)).toHaveLength(1);
  });

  it('keeps the default batch when only the crop size is given, and records --ema', async () => {
    const userModels = await mkdtemp(join(tmpdir(), 'liif-cli-user-'));
    const args = ['finetune', '--data', photos, '--name', 'knobs', '--from', base.dir, '--steps', '1'];
    const flags = ['--lr-size', '16', '--ema', '0.9', '--keep-best', '--validate-every', '1', '--json'];
    const r = await liif([...args, ...flags], { LIIF_MODELS_DIR: userModels });
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(userModels, 'knobs', 'model.json'), 'utf8'));
    // Full mode's own defaults (finetune.ts DEFAULT_KNOBS) are recorded beside the flags given.
    expect(manifest.training).toMatchObject({
      batch: 8,
      lrSize: 16,
      averageDecay: 0.9,
      learningRate: 1e-4,
      warmupSteps: 50,
      averageFromBase: true,
    });
    // --keep-best: the saved step is the better of the base (0) and the one step's weights.
    const { selectedStep, basePsnr, tunedPsnr } = lastJson(r.stdout);
    expect(manifest.training.selectedStep).toBe(selectedStep);
    expect(tunedPsnr).toBeGreaterThanOrEqual(basePsnr);
    expect(selectedStep === 0).toBe(tunedPsnr === basePsnr);
    const bad = await liif([...args, '--ema', '1'], { LIIF_MODELS_DIR: userModels });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--ema is a decay in \[0, 1\)/);
    // Fast mode trains part of the encoder too, so it runs with the same warm-up and held average.
    const fastArgs = ['finetune', '--data', photos, '--name', 'fast', '--from', base.dir, '--steps', '1'];
    const fast = await liif([...fastArgs, '--mode', 'fast', '--lr-size', '16'], {
      LIIF_MODELS_DIR: userModels,
    });
    expect(fast.code, fast.stderr).toBe(0);
    const fastManifest = JSON.parse(await readFile(join(userModels, 'fast', 'model.json'), 'utf8'));
    expect(fastManifest.training).toMatchObject({
      mode: 'fast',
      learningRate: 1e-4,
      warmupSteps: 50,
      averageFromBase: true,
    });
  });

  it('--data DIR:W weighs each folder and records the weights in the saved model', async () => {
    const userModels = await mkdtemp(join(tmpdir(), 'liif-cli-user-'));
    const more = await mkdtemp(join(tmpdir(), 'liif-cli-more-'));
    await makePhotoFolder(more);
    const args = [
      'finetune',
      '--data',
      `${photos}:3`,
      '--data',
      more,
      '--from',
      base.dir,
      '--steps',
      '1',
      '--lr-size',
      '16',
    ];
    const r = await liif([...args, '--name', 'weighted'], { LIIF_MODELS_DIR: userModels });
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(userModels, 'weighted', 'model.json'), 'utf8'));
    expect(manifest.training.folders).toEqual([photos, more]);
    expect(manifest.training.folderWeights).toEqual([3, 1]);
    const bad = await liif(
      ['finetune', '--data', `${photos}:-1`, '--name', 'bad', '--from', base.dir, '--steps', '1'],
      {
        LIIF_MODELS_DIR: userModels,
      },
    );
    expect(bad.code).not.toBe(0);
  });

  it('resumes after the process is killed mid-run', async () => {
    const userModels = await mkdtemp(join(tmpdir(), 'liif-cli-user-'));
    const env = { ...process.env, LIIF_MODELS_DIR: userModels };
    const runFile = join(userModels, '.finetune', 'killed', 'run.json');
    const args = ['finetune', '--data', photos, '--name', 'killed', '--from', base.dir, '--steps', '100000'];
    const child = spawn(process.execPath, [BIN, ...args, ...SMALL, '--checkpoint-every', '1'], { env });
    const progress = async () =>
      (JSON.parse(await readFile(runFile, 'utf8').catch(() => '{}')) as { progress?: { step: number } })
        .progress;
    while (((await progress())?.step ?? 0) < 2) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const at = (await progress())!.step;
    const r = await liif(['finetune', '--name', 'killed', '--resume', '--steps', String(at + 2), '--json'], {
      LIIF_MODELS_DIR: userModels,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming "killed"/);
    expect(lastJson(r.stdout)).toMatchObject({ status: 'saved', steps: at + 2 });
    expect(await readdir(userModels)).toEqual(['killed']);
  });

  it('an empty folder, a missing name or an unknown resume is a usage error with a clear message', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'liif-cli-empty-'));
    const env = { LIIF_MODELS_DIR: await mkdtemp(join(tmpdir(), 'liif-cli-user-')) };
    const r = await liif(['finetune', '--data', empty, '--name', 'x', '--from', base.dir], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/liif finetune: no image files in .*liif-cli-empty/);
    const noName = await liif(['finetune', '--data', empty], env);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/--name NAME is required/);
    const noRun = await liif(['finetune', '--name', 'ghost', '--resume'], env);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/no interrupted fine-tuning run named "ghost"/);
  });

  it('a damaged run.json is one line naming the fix, and --discard removes only that run', async () => {
    const userModels = await mkdtemp(join(tmpdir(), 'liif-cli-user-'));
    const env = { LIIF_MODELS_DIR: userModels };
    await mkdir(join(userModels, '.finetune', 'broken'), { recursive: true });
    await writeFile(join(userModels, '.finetune', 'broken', 'run.json'), '{"version": 1, "na');
    await mkdir(join(userModels, 'keep-me'));
    const damaged =
      /^liif finetune: the saved state of the fine-tuning run "broken" is damaged \(.*run\.json: .*\); discard the run and start it again; to do so: liif finetune --discard "broken"$/;
    for (const args of [
      ['--name', 'broken', '--resume'],
      ['--data', photos, '--name', 'broken', '--from', base.dir],
    ]) {
      const r = await liif(['finetune', ...args], env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toMatch(damaged);
    }
    const ghost = await liif(['finetune', '--discard', 'ghost'], env);
    expect(ghost.code).toBe(2);
    expect(ghost.stderr).toMatch(/no interrupted fine-tuning run named "ghost" \(runs: broken\)/);
    const outside = await liif(['finetune', '--discard', '..'], env);
    expect(outside.code).toBe(2);
    expect(outside.stderr.trim()).toMatch(/^liif: "\.\." is not a usable fine-tuning run name/);
    const r = await liif(['finetune', '--discard', 'broken'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/discarded the fine-tuning run "broken"/);
    // The emptied .finetune folder goes too.
    expect(await readdir(userModels)).toEqual(['keep-me']);
  });
});
