import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampler, type TrainingBatch } from '../../../../../electron/core/train/data/sampler.js';
import { type MixedFolder, makeMixedFolder } from './data-fixtures.js';

let dir: string;
let folder: MixedFolder;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'liif-data-'));
  folder = await makeMixedFolder(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sameBatch = (a: TrainingBatch, b: TrainingBatch) => {
  expect(b.files).toEqual(a.files);
  expect(Array.from(b.hrSizes)).toEqual(Array.from(a.hrSizes));
  expect(b.lr).toEqual(a.lr);
  expect(b.coord).toEqual(a.coord);
  expect(b.cell).toEqual(a.cell);
  expect(b.gt).toEqual(a.gt);
};

describe('createSampler on a mixed folder', () => {
  it('skips and counts the too-small image, reports unreadable and corrupt files, serves the rest', async () => {
    const events: string[] = [];
    const sampler = await createSampler({
      files: folder.files,
      seed: 1,
      batchSize: 4,
      samplesPerPatch: 100,
      thread: 'caller',
      onEvent: (e) => events.push(`${e.kind} ${e.path}`),
    });
    const seen = new Set<string>();
    // 3 batches x 4 draws covers every file of the first epoch (6 candidates).
    for (let i = 0; i < 3; i++) for (const f of (await sampler.next()).files) seen.add(f);
    const report = sampler.report();
    expect(report.files).toBe(7);
    expect(report.tooSmall).toEqual([{ path: folder.tooSmall, width: 40, height: 100 }]);
    const failed = Object.fromEntries(report.failed.map((f) => [f.path, f]));
    expect(failed[folder.notAnImage]).toMatchObject({ reason: 'not-an-image' });
    expect(failed[folder.notAnImage].message).toMatch(/f-broken\.png: the file is not an image/);
    expect(failed[folder.truncated]).toMatchObject({ reason: 'truncated' });
    expect(failed[folder.truncated].message).toMatch(/g-truncated\.jpg: the file is truncated or damaged/);
    expect(report.usable).toBe(4);
    expect([...seen].sort()).toEqual(folder.good);
    expect(events).toContain(`too-small ${folder.tooSmall}`);
    expect(events).toContain(`failed ${folder.truncated}`);
    expect(report.batches).toBe(3);
  });

  it('yields batches of the documented shapes and ranges', async () => {
    const sampler = await createSampler({ files: folder.good, seed: 3, batchSize: 5, thread: 'caller' });
    const b = await sampler.next();
    const q = 2304;
    expect([b.size, b.queries, b.lrSize]).toEqual([5, q, 48]);
    expect(b.lr.length).toBe(5 * 3 * 48 * 48);
    expect(b.coord.length).toBe(5 * q * 2);
    expect(b.cell.length).toBe(5 * q * 2);
    expect(b.gt.length).toBe(5 * q * 3);
    for (const v of [b.lr, b.gt]) {
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...v)).toBeLessThanOrEqual(1);
    }
    expect(Math.max(...b.coord.map(Math.abs))).toBeLessThan(1);
    for (let i = 0; i < 5; i++) {
      const hr = b.hrSizes[i];
      expect(hr).toBeGreaterThanOrEqual(48);
      expect(hr).toBeLessThanOrEqual(96); // the smallest good image side is 64..96 wide/high
      const cells = b.cell.subarray(i * q * 2, (i + 1) * q * 2);
      expect(new Set(cells)).toEqual(new Set([Math.fround(2 / hr)]));
      // 8-bit LR levels (quantizeLr default).
      const lr = b.lr.subarray(i * 3 * 48 * 48, (i + 1) * 3 * 48 * 48);
      for (const v of lr.subarray(0, 200)) expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-4);
    }
  });

  it('is deterministic: same seed, same batches, whatever the thread and prefetch depth; another seed differs', async () => {
    const opts = { files: folder.files, batchSize: 3, samplesPerPatch: 64 };
    const a = await createSampler({ ...opts, seed: 7, prefetch: 0 });
    const b = await createSampler({ ...opts, seed: 7, prefetch: 2, cacheBytes: 30_000, thread: 'caller' });
    const c = await createSampler({ ...opts, seed: 8 });
    const seen: TrainingBatch[] = [];
    for (let i = 0; i < 3; i++) {
      const [x, y, z] = [await a.next(), await b.next(), await c.next()];
      sameBatch(x, y);
      expect(z.lr).not.toEqual(x.lr);
      seen.push(x);
    }
    // restore() through the worker rewinds it too.
    a.restore(seen[0].state);
    sameBatch(seen[1], await a.next());
    expect(a.state()).toEqual(seen[1].state);
    // The tiny cache bound forced evictions and re-decodes without changing a single value.
    expect(b.report().cache.evictions).toBeGreaterThan(0);
    for (const s of [a, b, c]) s.close();
  });

  it('state() / restore() resume the exact next batch, in the same or a fresh sampler', async () => {
    const opts = {
      files: folder.files,
      seed: 11,
      batchSize: 4,
      samplesPerPatch: 64,
      thread: 'caller' as const,
    };
    const a = await createSampler(opts);
    await a.next();
    await a.next();
    const saved = JSON.parse(JSON.stringify(a.state()));
    expect(saved).toMatchObject({ version: 1, seed: 11, batches: 2 });
    const third = await a.next();
    const fourth = await a.next();

    const fresh = await createSampler(opts);
    fresh.restore(saved);
    sameBatch(third, await fresh.next());
    sameBatch(fourth, await fresh.next());
    expect(fresh.state()).toEqual(a.state());

    a.restore(saved);
    sameBatch(third, await a.next());
    expect(() => a.restore({ ...saved, seed: 12 })).toThrow(/seed/);
  });

  it('draws scales over the whole range on a large image, and shrinks them to fit a small one', async () => {
    const large = await createSampler({
      files: [folder.good[1]],
      seed: 2,
      batchSize: 32,
      samplesPerPatch: 16,
    });
    const sizes = Array.from((await large.next()).hrSizes);
    // b-gradient is 200x96: s up to 96/48 = 2.
    expect(Math.min(...sizes)).toBeLessThan(60);
    expect(Math.max(...sizes)).toBeGreaterThan(85);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(96);
  });

  it('refuses a folder with nothing usable, and bad options (errors cross from the worker)', async () => {
    await expect(
      createSampler({ files: [folder.tooSmall, folder.notAnImage], seed: 1, batchSize: 2 }),
    ).rejects.toThrow(/no usable training images/);
    const onlyCorrupt = await createSampler({ files: [folder.truncated], seed: 1, batchSize: 2 });
    await expect(onlyCorrupt.next()).rejects.toThrow(/could be decoded/);
    onlyCorrupt.close();
    await expect(
      createSampler({ files: folder.good, seed: 1, batchSize: 2, samplesPerPatch: 3000, thread: 'caller' }),
    ).rejects.toThrow(/samplesPerPatch/);
    await expect(
      createSampler({ files: folder.good, seed: 1, batchSize: 2, cropCandidates: 0, thread: 'caller' }),
    ).rejects.toThrow(/crop candidates/);
  });
});

describe('createSampler with weights and synthetic scenes', () => {
  it('draws each file by its weight, synthetic scenes by their share, deterministically and resumably', async () => {
    const [heavy, light, ...rest] = folder.good;
    const files = [heavy!, light!, ...rest];
    const weights = [6, 2, ...rest.map(() => 0)];
    const options = {
      files,
      weights,
      syntheticShare: 0.2,
      seed: 4,
      batchSize: 8,
      samplesPerPatch: 16,
      lrSize: 16,
    };
    const sampler = await createSampler({ ...options, thread: 'caller' });
    const counts = new Map<string, number>();
    const batches: TrainingBatch[] = [];
    for (let i = 0; i < 25; i++) {
      const batch = await sampler.next();
      batches.push(batch);
      for (const f of batch.files) {
        const key = f.startsWith('synthetic:') ? 'synthetic' : f;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    const total = 25 * 8;
    // 200 draws: synthetic ~0.2, heavy ~0.6, light ~0.2 (binomial sd about 0.03); zero weight never.
    expect((counts.get('synthetic') ?? 0) / total).toBeGreaterThan(0.1);
    expect((counts.get('synthetic') ?? 0) / total).toBeLessThan(0.3);
    expect((counts.get(heavy!) ?? 0) / total).toBeGreaterThan(0.48);
    expect((counts.get(light!) ?? 0) / total).toBeLessThan(0.3);
    for (const f of rest) expect(counts.get(f)).toBeUndefined();
    // The same seed gives the same batches, in the worker too; a restore continues exactly.
    const again = await createSampler({ ...options });
    sameBatch(batches[0]!, await again.next());
    again.restore(batches[19]!.state);
    sameBatch(batches[20]!, await again.next());
    again.close();
    sampler.close();
  });

  it('refuses weights that do not match the files, and a share outside 0-1', async () => {
    await expect(
      createSampler({ files: folder.good, weights: [1], seed: 1, batchSize: 1, thread: 'caller' }),
    ).rejects.toThrow(/one finite weight >= 0 per file/);
    await expect(
      createSampler({ files: folder.good, syntheticShare: 1.5, seed: 1, batchSize: 1, thread: 'caller' }),
    ).rejects.toThrow(/synthetic share must be 0-1/);
    await expect(
      createSampler({
        files: folder.good,
        weights: folder.good.map(() => 0),
        seed: 1,
        batchSize: 1,
        thread: 'caller',
      }),
    ).rejects.toThrow(/weight 0/);
  });
});
