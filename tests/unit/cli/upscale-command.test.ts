import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { lastJson, liif } from '../../helpers/run-cli.js';
import { makeTinyModelRoot } from '../../helpers/tiny-model.js';

describe('liif CLI', () => {
  let models: { root: string; dir: string };
  let inputs: string;
  beforeAll(async () => {
    models = await makeTinyModelRoot();
    inputs = await mkdtemp(join(tmpdir(), 'liif-cli-in-'));
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c03060' } })
      .png()
      .toFile(join(inputs, 'a.png'));
    await sharp({ create: { width: 21, height: 33, channels: 3, background: '#208040' } })
      .jpeg()
      .toFile(join(inputs, 'b.jpg'));
    await writeFile(join(inputs, 'broken.png'), 'this is not a png');
  });

  it('upscales a folder at 2.37x, reports every input in the JSON summary and exits 1 for the bad file', async () => {
    const out = await mkdtemp(join(tmpdir(), 'liif-cli-out-'));
    const r = await liif(['upscale', inputs, '--scale', '2.37', '-o', out, '--json'], {
      LIIF_MODELS_DIR: models.root,
    });
    expect(r.code).toBe(1);
    const summary = lastJson(r.stdout);
    expect(summary.provider).toBe('cpu');
    expect(summary.results).toHaveLength(3);
    const byName = Object.fromEntries(
      summary.results.map((x: { input: string }) => [x.input.split('/').at(-1), x]),
    );
    expect(byName['a.png']).toMatchObject({ status: 'done', width: 95, height: 71 });
    expect(byName['b.jpg']).toMatchObject({ status: 'done', width: 50, height: 78 });
    expect(byName['broken.png'].status).toBe('failed');
    expect(byName['broken.png'].error).toMatch(/broken\.png: the file is not an image/);
    expect((await readdir(out)).sort()).toEqual(['a_95x71.png', 'b_50x78.jpg']);
    const meta = await sharp(join(out, 'a_95x71.png')).metadata();
    expect([meta.width, meta.height]).toEqual([95, 71]);
  });

  it('honours exact size, --model DIR, format and the skip conflict policy', async () => {
    const out = await mkdtemp(join(tmpdir(), 'liif-cli-out-'));
    const args = ['upscale', join(inputs, 'a.png'), '--width', '100', '--height', '50', '--format', 'webp'];
    const first = await liif([...args, '-o', out, '--model', models.dir, '--json']);
    expect(first.code).toBe(0);
    expect(lastJson(first.stdout).results[0]).toMatchObject({ status: 'done', width: 100, height: 50 });
    const again = await liif([...args, '-o', out, '--model', models.dir, '--on-conflict', 'skip', '--json']);
    expect(again.code).toBe(0);
    expect(lastJson(again.stdout).results[0].status).toBe('skipped');
    const renamed = await liif([...args, '-o', out, '--model', models.dir, '--json']);
    expect(lastJson(renamed.stdout).results[0].output).toMatch(/a_100x50 \(1\)\.webp$/);
    expect((await readdir(out)).sort()).toEqual(['a_100x50 (1).webp', 'a_100x50.webp']);
  });

  it('exits 2 with a clear message on usage errors', async () => {
    const both = await liif(['upscale', inputs, '--scale', '2', '--width', '10']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/choose one of --scale/);
    const provider = await liif(['upscale', inputs, '--provider', 'tpu']);
    expect(provider.code).toBe(2);
    expect(provider.stderr).toMatch(/--provider must be one of/);
    const noModel = await liif(['upscale', inputs, '--model', 'nope'], { LIIF_MODELS_DIR: models.root });
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/no model folder or model named "nope".*liif-edsr-baseline/);
  });

  it('says on the result line what reading changed (CMYK to sRGB), and in --json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'liif-cli-cmyk-'));
    await sharp({ create: { width: 12, height: 10, channels: 3, background: '#c02040' } })
      .toColourspace('cmyk')
      .jpeg()
      .toFile(join(dir, 'print.jpg'));
    const text = await liif(['upscale', join(dir, 'print.jpg'), '--scale', '2', '-o', join(dir, 'a')], {
      LIIF_MODELS_DIR: models.root,
    });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /print\.jpg -> .*print_24x20\.jpg \(24x20, [\d.]+s; compressed photo \(JPEG ~q80\): artefacts removed; note: converted from CMYK to sRGB: the output has no CMYK version\)/,
    );
    const json = await liif(
      ['upscale', join(dir, 'print.jpg'), '--scale', '2', '-o', join(dir, 'b'), '--json'],
      {
        LIIF_MODELS_DIR: models.root,
      },
    );
    expect(lastJson(json.stdout).results[0].notices).toEqual([
      'converted from CMYK to sRGB: the output has no CMYK version',
    ]);
  });

  it('gives each input the model that fits it: compressed JPEGs the photo model, PNGs the clean one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'liif-cli-kind-'));
    const photoModels = await makeTinyModelRoot('liif-edsr-photo', 4);
    await sharp({ create: { width: 16, height: 12, channels: 3, background: '#4080c0' } })
      .jpeg({ quality: 60 })
      .toFile(join(dir, 'phone.jpg'));
    await sharp({ create: { width: 16, height: 12, channels: 3, background: '#4080c0' } })
      .png()
      .toFile(join(dir, 'scan.png'));
    const env = { LIIF_MODELS_DIR: photoModels.root };
    const inputs = [join(dir, 'phone.jpg'), join(dir, 'scan.png')];
    const auto = await liif(['upscale', ...inputs, '--scale', '2', '-o', join(dir, 'auto'), '--json'], env);
    expect(auto.code, auto.stderr).toBe(0);
    const [phone, scan] = lastJson(auto.stdout).results;
    expect(phone).toMatchObject({
      model: 'liif-edsr-photo',
      inputKind: 'compressed photo (JPEG ~q60): artefacts removed',
    });
    expect(scan).toMatchObject({ model: 'liif-edsr-baseline', inputKind: 'clean source (lossless PNG)' });
    const text = await liif(['upscale', inputs[0], '--scale', '2', '-o', join(dir, 'text')], env);
    expect(text.stdout).toMatch(/phone\.jpg -> .*; compressed photo \(JPEG ~q60\): artefacts removed\)/);
    const forced = await liif(
      ['upscale', ...inputs, '--input', 'clean', '--scale', '2', '-o', join(dir, 'c'), '--json'],
      env,
    );
    expect(lastJson(forced.stdout).results.map((r: { model: string }) => r.model)).toEqual([
      'liif-edsr-baseline',
      'liif-edsr-baseline',
    ]);
    const both = await liif(['upscale', inputs[0], '--input', 'clean', '--model', models.dir], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/with --model every input uses that model/);
  });

  it('lists installed models', async () => {
    const r = await liif(['models', '--json'], { LIIF_MODELS_DIR: models.root });
    expect(r.code).toBe(0);
    const names = lastJson(r.stdout).models.map((m: { name: string }) => m.name);
    expect(names).toContain('liif-edsr-baseline');
  });
});
