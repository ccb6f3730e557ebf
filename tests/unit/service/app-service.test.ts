import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportModelDir } from '../../../electron/core/model/export-model.js';
import { randomWeights } from '../../../electron/core/model/random-weights.js';
import type { AppEvent } from '../../../electron/ipc/payloads.js';
import { ServiceError } from '../../../electron/service/app-service.js';
import { TINY_ARCH, TINY_LMF_ARCH } from '../../helpers/tiny-model.js';
import {
  type ServiceFixture,
  serviceFixture,
  tinyModelsRoot,
  writePhoto,
  writeTruncated,
} from './service-fixture.js';

let modelsDir: string;
let modelsRoot: string;
let f: ServiceFixture;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'liif-models-'));
  modelsRoot = await tinyModelsRoot(modelsDir);
});
afterAll(() => rm(modelsDir, { recursive: true, force: true }));
beforeEach(async () => {
  f = await serviceFixture(modelsRoot);
});
afterEach(() => f.cleanup());

async function sizeOf(path: string): Promise<[number, number]> {
  const m = await sharp(path).metadata();
  return [m.width, m.height];
}

describe('app service (real worker, tiny random model)', () => {
  it('refuses paths the user did not choose', async () => {
    const photo = await writePhoto(join(f.photos, 'a.png'), 20, 10);
    const result = await f.service.addPaths({ paths: [photo], recursive: false });
    expect(result.added).toBe(0);
    expect(result.rejected[0].reason).toContain('not a file or folder you chose');
  });

  it('a drop or the dialog makes chosen only what the queue accepted from it', async () => {
    const photo = await writePhoto(join(f.photos, 'a.png'), 20, 10);
    const { writeFile, mkdir } = await import('node:fs/promises');
    const notes = join(f.dir, 'notes');
    await mkdir(notes);
    await writeFile(join(notes, 'readme.txt'), 'not a photo');
    const missing = join(f.dir, 'nope');
    const result = await f.service.addUserPaths({ paths: [photo, notes, missing, '/'], recursive: false });
    expect(result.added).toBe(1);
    expect(f.service.chosen.covers(photo)).toBe(true);
    // A folder with no photo in it, a missing path and the root (no photo directly in it) grant nothing.
    for (const refused of [notes, missing, '/', f.dir])
      expect(f.service.chosen.covers(refused), refused).toBe(false);
  });

  it('upscales a folder at x2.5, fails a damaged file in plain words and finishes the others', async () => {
    await writePhoto(join(f.photos, 'a.png'), 40, 30, 1);
    await writePhoto(join(f.photos, 'b.png'), 32, 32, 2);
    await writeTruncated(join(f.photos, 'c.png'));
    f.service.chosen.add(f.photos);
    const events: AppEvent[] = [];
    f.service.on((e) => events.push(e));
    const added = await f.service.addPaths({ paths: [f.photos], recursive: false });
    expect(added.added).toBe(3);
    await f.service.updateSettings({ size: { mode: 'scale', scale: 2.5 } });
    expect(f.service.queueSnapshot().items.map((i) => i.target)).toEqual([
      { width: 100, height: 75 },
      { width: 80, height: 80 },
      { width: 160, height: 160 },
    ]);
    f.service.start();
    await f.service.idle();
    const items = f.service.queueSnapshot().items;
    expect(items.map((i) => i.state)).toEqual(['done', 'done', 'failed']);
    expect(items[2].error).toMatch(/^c\.png: the file is truncated or damaged/);
    // The same failure in parts, for the row beside the file's name: no name, the cause apart.
    expect(items[2].failure?.reason).toBe(
      'the file is truncated or damaged (image data ends early or is corrupt)',
    );
    expect(items[2].failure?.detail).toEqual(expect.any(String));
    expect(await sizeOf(items[0].output!.path)).toEqual([100, 75]);
    expect(await sizeOf(items[1].output!.path)).toEqual([80, 80]);
    expect((await readdir(join(f.photos, 'upscaled'))).sort()).toEqual(['a_100x75.png', 'b_80x80.png']);
    expect(events.some((e) => e.kind === 'progress')).toBe(true);
    expect(f.service.queueSnapshot().overall).toMatchObject({
      total: 3,
      finished: 3,
      failed: 1,
      fraction: 1,
    });
  });

  it("says in the row what reading a photo changed: CMYK made sRGB, an animation's other frames", async () => {
    const red = await sharp({ create: { width: 12, height: 10, channels: 3, background: '#c02040' } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 12, height: 10, channels: 3, background: '#2040c0' } })
      .png()
      .toBuffer();
    await sharp(red).toColourspace('cmyk').jpeg().toFile(join(f.photos, 'print.jpg'));
    await sharp([red, blue, red], { join: { animated: true } })
      .gif()
      .toFile(join(f.photos, 'moving.gif'));
    await writePhoto(join(f.photos, 'plain.png'), 12, 10, 3);
    f.service.chosen.add(f.photos);
    await f.service.addPaths({ paths: [f.photos], recursive: false });
    await f.service.updateSettings({ size: { mode: 'scale', scale: 2 } });
    f.service.start();
    await f.service.idle();
    const byName = Object.fromEntries(f.service.queueSnapshot().items.map((i) => [i.name, i]));
    expect(byName['print.jpg']).toMatchObject({
      state: 'done',
      notices: ['converted from CMYK to sRGB: the output has no CMYK version'],
    });
    expect(byName['moving.gif']).toMatchObject({
      state: 'done',
      notices: ['only the first of its 3 frames was upscaled'],
    });
    expect(byName['plain.png'].state).toBe('done');
    expect(byName['plain.png'].notices).toBeUndefined();
  });

  it('gives a compressed JPEG the photo model and a PNG the default one, and says so in the row', async () => {
    const both = await mkdtemp(join(tmpdir(), 'liif-models-both-'));
    const root = await tinyModelsRoot(both);
    await exportModelDir(join(root, 'liif-edsr-photo'), TINY_ARCH, randomWeights(TINY_ARCH, 8), {
      name: 'liif-edsr-photo',
    });
    const g = await serviceFixture(root);
    try {
      await sharp({ create: { width: 16, height: 12, channels: 3, background: '#5070a0' } })
        .jpeg({ quality: 70 })
        .toFile(join(g.photos, 'phone.jpg'));
      await writePhoto(join(g.photos, 'scan.png'), 16, 12, 2);
      g.service.chosen.add(g.photos);
      await g.service.addPaths({ paths: [g.photos], recursive: false });
      await g.service.updateSettings({ size: { mode: 'scale', scale: 2 } });
      g.service.start();
      await g.service.idle();
      const byName = Object.fromEntries(g.service.queueSnapshot().items.map((i) => [i.name, i]));
      expect(byName['phone.jpg']).toMatchObject({
        state: 'done',
        inputKind: 'compressed photo (JPEG ~q70): artefacts removed',
      });
      expect(byName['scan.png']).toMatchObject({ state: 'done', inputKind: 'clean source (lossless PNG)' });
      // With a chosen model every photo gets that one, and no reason is shown.
      await g.service.updateSettings({ model: 'liif-edsr-photo' });
      g.service.clearFinished();
      await g.service.addPaths({ paths: [join(g.photos, 'phone.jpg')], recursive: false });
      g.service.start();
      await g.service.idle();
      const [again] = g.service.queueSnapshot().items;
      expect(again.state).toBe('done');
      expect(again.inputKind).toBeUndefined();
    } finally {
      await g.cleanup();
      await rm(both, { recursive: true, force: true });
    }
  });

  it('gives exactly W x H with the aspect lock off, and per-item overrides win', async () => {
    const a = await writePhoto(join(f.photos, 'a.png'), 40, 30);
    const b = await writePhoto(join(f.photos, 'b.png'), 40, 30);
    f.service.chosen.add(f.photos);
    await f.service.addPaths({ paths: [a, b], recursive: false });
    await f.service.updateSettings({ size: { mode: 'box', width: 90, height: 50, lockAspect: false } });
    const second = f.service.queueSnapshot().items[1].id;
    f.service.setOverride(second, { size: { mode: 'width', width: 60 }, format: 'jpeg' });
    f.service.start();
    await f.service.idle();
    const items = f.service.queueSnapshot().items;
    expect(await sizeOf(items[0].output!.path)).toEqual([90, 50]);
    expect(items[1].output!.path).toMatch(/b_60x45\.jpg$/);
    expect(await sizeOf(items[1].output!.path)).toEqual([60, 45]);
    // Changing a finished photo's own settings keeps its result; redo runs it again, beside the first.
    f.service.setOverride(second, { size: { mode: 'width', width: 80 } });
    const changed = f.service.queueSnapshot().items[1];
    expect(changed).toMatchObject({
      state: 'done',
      target: { width: 60, height: 45 },
      targetNow: { width: 80, height: 60 },
    });
    f.service.redo(second);
    expect(f.service.queueSnapshot().items[1].state).toBe('queued');
    f.service.start();
    await f.service.idle();
    const redone = f.service.queueSnapshot().items[1];
    expect(redone).toMatchObject({ state: 'done', target: { width: 80, height: 60 } });
    expect(redone.output!.path).toMatch(/b_80x60\.png$/);
    expect(await sizeOf(items[1].output!.path)).toEqual([60, 45]);
  });

  it("'overwrite' into the photos' own folder never replaces a photo of the queue", async () => {
    const a = await writePhoto(join(f.photos, 'a.jpg'), 20, 10, 1);
    const b = await writePhoto(join(f.photos, 'a.png'), 20, 10, 2);
    const before = await readFile(b);
    f.service.chosen.add(f.photos);
    await f.service.addPaths({ paths: [a, b], recursive: false });
    // a.jpg's output would be a.png: the second photo of the queue.
    await f.service.updateSettings({
      output: { folder: f.photos, template: '{name}', format: 'png', onConflict: 'overwrite' },
    });
    f.service.start();
    await f.service.idle();
    const items = f.service.queueSnapshot().items;
    expect(items.map((i) => i.state)).toEqual(['failed', 'failed']);
    expect(items[0].error).toMatch(/^a\.png: the output would replace a photo being upscaled/);
    expect(await readFile(b)).toEqual(before);
  });

  it('warns in the row, before starting, when the output format cannot store the size', async () => {
    const a = await writePhoto(join(f.photos, 'a.png'), 20, 10);
    f.service.chosen.add(f.photos);
    await f.service.addPaths({ paths: [a], recursive: false });
    await f.service.updateSettings({ size: { mode: 'width', width: 17000 }, output: { format: 'webp' } });
    expect(f.service.queueSnapshot().items[0].targetWarning).toMatch(/17000x8500, webp allows at most 16383/);
    // PNG can store it: what is left to say is the scale (x850), on the row as for the selected photo.
    await f.service.updateSettings({ output: { format: 'png' } });
    expect(f.service.queueSnapshot().items[0].targetWarning).toMatch(
      /^x850 is far beyond what the model learned/,
    );
    await f.service.updateSettings({ size: { mode: 'scale', scale: 3 } });
    expect(f.service.queueSnapshot().items[0].targetWarning).toBeUndefined();
  });

  it('cancel mid-image leaves no file behind', async () => {
    const big = await writePhoto(join(f.photos, 'big.png'), 400, 300);
    f.service.chosen.add(f.photos);
    await f.service.addPaths({ paths: [big], recursive: false });
    await f.service.updateSettings({ size: { mode: 'scale', scale: 4 } });
    const id = f.service.queueSnapshot().items[0].id;
    const firstTile = new Promise<void>((resolve) =>
      f.service.on((e) => {
        if (e.kind === 'progress' && e.progress > 0) resolve();
      }),
    );
    f.service.start();
    await firstTile;
    f.service.cancel(id);
    await f.service.idle();
    expect(f.service.queueSnapshot().items[0].state).toBe('cancelled');
    expect(await readdir(join(f.photos, 'upscaled')).catch(() => [])).toEqual([]);
  });

  it('previews only a region of the target', async () => {
    const photo = await writePhoto(join(f.photos, 'a.png'), 100, 80);
    f.service.chosen.add(f.photos);
    await f.service.addPaths({ paths: [photo], recursive: false });
    await f.service.updateSettings({ size: { mode: 'scale', scale: 3 } });
    const id = f.service.queueSnapshot().items[0].id;
    const preview = await f.service.previewRegion({
      id,
      region: { x: 200, y: 100, width: 128, height: 256 },
    });
    expect(preview.target).toEqual({ width: 300, height: 240 });
    expect(preview.region).toEqual({ x: 200, y: 100, width: 100, height: 140 });
    const image = await f.service.images.open(preview.image);
    expect(image?.mime).toBe('image/png');
    expect(await sharp(image!.data).metadata()).toMatchObject({ width: 100, height: 140 });

    // The quick look decodes every 4th pixel of the same region: a quarter of each side.
    const quick = await f.service.previewRegion({
      id,
      region: { x: 20, y: 40, width: 128, height: 64 },
      coarse: 4,
    });
    expect(quick).toMatchObject({ coarse: 4, region: { x: 20, y: 40, width: 128, height: 64 } });
    const small = await f.service.images.open(quick.image);
    expect(await sharp(small!.data).metadata()).toMatchObject({ width: 32, height: 16 });
    // The exact decoder: the renderer keeps asking for quick looks.
    expect(preview.fastDecoder).toBe(false);
  });

  it("says when the photo's model has the fast LMF decoder, so the renderer skips quick looks", async () => {
    const root = join(modelsDir, 'lmf-root');
    await exportModelDir(join(root, 'fast'), TINY_LMF_ARCH, randomWeights(TINY_LMF_ARCH, 2), {
      name: 'fast',
    });
    const lmf = await serviceFixture(root);
    try {
      await lmf.service.updateSettings({ model: 'fast', size: { mode: 'scale', scale: 3 } });
      const photo = await writePhoto(join(lmf.photos, 'a.png'), 60, 40);
      lmf.service.chosen.add(lmf.photos);
      await lmf.service.addPaths({ paths: [photo], recursive: false });
      const id = lmf.service.queueSnapshot().items[0].id;
      const preview = await lmf.service.previewRegion({ id, region: { x: 0, y: 0, width: 90, height: 60 } });
      expect(preview).toMatchObject({ usedModel: true, fastDecoder: true, coarse: 1 });
    } finally {
      await lmf.cleanup();
    }
  });

  it('validates settings against what the user chose', async () => {
    await expect(f.service.updateSettings({ output: { folder: '/etc' } })).rejects.toThrow(ServiceError);
    await expect(f.service.updateSettings({ output: { template: '{nmae}' } })).rejects.toThrow(
      /unknown placeholder/,
    );
    await expect(f.service.updateSettings({ model: 'nope' })).rejects.toThrow(/no model named/);
  });

  it('reports the engine: provider, why, and the model', async () => {
    const ready = new Promise<AppEvent>((resolve) =>
      f.service.on((e) => {
        if (e.kind === 'engine' && e.engine.state !== 'loading') resolve(e);
      }),
    );
    const snapshot = await f.service.snapshot();
    // Reading the state opens nothing: the engine starts when a window asks (the Snapshot channel).
    expect(snapshot.engine.state).toBe('idle');
    f.service.startEngine();
    expect(snapshot.models.map((m) => m.name)).toEqual(['liif-edsr-baseline']);
    const event = await ready;
    expect(event).toMatchObject({ kind: 'engine', engine: { state: 'ready', model: 'liif-edsr-baseline' } });
    if (event.kind === 'engine') expect(event.engine.reason).toBeTruthy();
  });
});
