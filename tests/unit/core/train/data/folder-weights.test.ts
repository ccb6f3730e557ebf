import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  folderWeights,
  keepEveryFolderTraining,
} from '../../../../../electron/core/train/data/folder-weights.js';

describe('folderWeights', () => {
  const photos = join('/data', 'photos');
  const detail = join('/data', 'detail');
  const files = [
    join(photos, 'a.jpg'),
    join(photos, 'b.jpg'),
    join(photos, 'c', 'd.jpg'),
    join(detail, 'e.png'),
  ];

  it("gives each folder its weight's share of the draws, whatever its size", () => {
    const weights = folderWeights(files, [
      { dir: photos, weight: 1 },
      { dir: detail, weight: 2 },
    ]);
    expect(weights).toEqual([1 / 3, 1 / 3, 1 / 3, 2]);
    const total = weights.reduce((a, b) => a + b, 0);
    expect(weights.slice(0, 3).reduce((a, b) => a + b, 0) / total).toBeCloseTo(1 / 3, 12);
  });

  it('puts a file in the deepest folder that holds it, and a folder name that only shares a prefix apart', () => {
    const nested = join(photos, 'c');
    expect(
      folderWeights(
        [...files, join('/data', 'photos2', 'x.jpg')],
        [
          { dir: photos, weight: 1 },
          { dir: nested, weight: 4 },
          { dir: detail, weight: 1 },
          { dir: join('/data', 'photos2'), weight: 1 },
        ],
      ),
    ).toEqual([0.5, 0.5, 4, 1, 1]);
  });

  it('refuses a weight that is not above 0, a folder without files and a file outside every folder', () => {
    expect(() =>
      folderWeights(files, [
        { dir: photos, weight: 0 },
        { dir: detail, weight: 1 },
      ]),
    ).toThrow(/must be above 0/);
    expect(() =>
      folderWeights(files, [
        { dir: photos, weight: 1 },
        { dir: detail, weight: 1 },
        { dir: join('/data', 'empty'), weight: 1 },
      ]),
    ).toThrow(/no training images there/);
    expect(() => folderWeights(files, [{ dir: photos, weight: 1 }])).toThrow(
      /in none of the weighted folders/,
    );
  });

  it('keeps one training image in a folder whose images were all held out', () => {
    const split = { train: [files[0]!, files[1]!], holdout: [files[2]!, files[3]!] };
    const folders = [{ dir: photos }, { dir: detail }];
    expect(keepEveryFolderTraining(split, folders)).toEqual({
      train: [files[0], files[1], files[3]],
      holdout: [files[2]],
    });
    const fine = { train: [files[0]!, files[3]!], holdout: [files[1]!] };
    expect(keepEveryFolderTraining(fine, folders)).toBe(fine);
  });
});
