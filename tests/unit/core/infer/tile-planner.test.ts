import { describe, expect, it } from 'vitest';
import {
  maxCropSide,
  planTiles,
  receptiveRadius,
  sizeTiles,
} from '../../../../electron/core/infer/tile-planner.js';
import { EDSR_BASELINE_LIIF, EDSR_BASELINE_LMF } from '../../../../electron/core/model/architecture.js';
import { indexRowsPerCode } from '../../../../electron/core/model/decoder-graph.js';

describe('tile planner', () => {
  it('EDSR-baseline sees 35 LR pixels: 34 stacked 3x3 convs plus the 3x3 unfold', () => {
    expect(receptiveRadius(EDSR_BASELINE_LIIF)).toBe(35);
  });

  it('covers every output pixel of the window exactly once', () => {
    const window = { x: 7, y: 3, width: 250, height: 190 };
    const tiles = planTiles(
      EDSR_BASELINE_LIIF,
      { width: 100, height: 80 },
      { width: 300, height: 240 },
      window,
      64,
    );
    const hits = new Uint8Array(300 * 240);
    for (const t of tiles)
      for (let y = t.output.y; y < t.output.y + t.output.height; y++)
        for (let x = t.output.x; x < t.output.x + t.output.width; x++) hits[y * 300 + x]++;
    for (let y = 0; y < 240; y++)
      for (let x = 0; x < 300; x++) {
        const inside = x >= 7 && x < 257 && y >= 3 && y < 193;
        expect(hits[y * 300 + x]).toBe(inside ? 1 : 0);
      }
  });

  it('gives each tile a crop reaching at least the receptive radius past the codes it decodes', () => {
    const lr = { width: 400, height: 300 };
    const tiles = planTiles(
      EDSR_BASELINE_LIIF,
      lr,
      { width: 1200, height: 900 },
      { x: 0, y: 0, width: 1200, height: 900 },
      240,
    );
    // 5 columns of 240 and 4 equal rows of 225 (900 / 240 rounded up): an inner tile.
    expect(new Set(tiles.map((t) => t.output.height))).toEqual(new Set([225]));
    const inner = tiles.find((t) => t.output.x === 480 && t.output.y === 450)!;
    // Output columns 480..719 at x3 read LR codes 159..240 (+-1 for the ensemble shift).
    expect(inner.crop.x).toBeLessThanOrEqual(159 - 35);
    expect(inner.crop.x + inner.crop.width).toBeGreaterThanOrEqual(240 + 35 + 1);
    // Crops never leave the image.
    for (const t of tiles) {
      expect(t.crop.x).toBeGreaterThanOrEqual(0);
      expect(t.crop.x + t.crop.width).toBeLessThanOrEqual(lr.width);
    }
  });

  it('sizes tiles and chunks from the memory budget, not the image', () => {
    const small = sizeTiles(EDSR_BASELINE_LIIF, 512, 4);
    const large = sizeTiles(EDSR_BASELINE_LIIF, 4096, 4);
    expect(large.tileSide).toBeGreaterThan(small.tileSide);
    expect(large.chunkQueries).toBeGreaterThanOrEqual(small.chunkQueries);
    expect(sizeTiles(EDSR_BASELINE_LIIF, 512, 4, 100).tileSide).toBe(100);
  });

  it("keeps every crop inside the decoder's float32 index range, for both decoders and any budget", () => {
    for (const arch of [EDSR_BASELINE_LIIF, EDSR_BASELINE_LMF]) {
      const { tileSide } = sizeTiles(arch, 1_000_000, 1);
      const side = tileSide + 2 * receptiveRadius(arch) + 2 * 8 + 4;
      expect(side * side * indexRowsPerCode(arch)).toBeLessThan(2 ** 24);
      expect(maxCropSide(arch)).toBeGreaterThan(1000);
    }
  });

  it('splits each side into equal tiles, so no thin remainder tile pays a whole halo', () => {
    const tiles = planTiles(
      EDSR_BASELINE_LMF,
      { width: 586, height: 391 },
      { width: 1172, height: 782 },
      { x: 0, y: 0, width: 1172, height: 782 },
      542,
    );
    expect(tiles).toHaveLength(6);
    expect(new Set(tiles.map((t) => `${t.output.width}x${t.output.height}`))).toEqual(
      new Set(['391x391', '390x391']),
    );
    // Encoded LR pixels over the photo's: under 2x (542 + 240 tiles encoded 2.8x).
    const encoded = tiles.reduce((n, t) => n + t.crop.width * t.crop.height, 0);
    expect(encoded / (586 * 391)).toBeLessThan(2);
  });
});
