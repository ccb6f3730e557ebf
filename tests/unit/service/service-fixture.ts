/** A tiny random model in a temp models root, generated images, and a service on top of them. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { exportModelDir } from '../../../electron/core/model/export-model.js';
import { DEFAULT_MODEL_NAME } from '../../../electron/core/model/model-registry.js';
import { randomWeights } from '../../../electron/core/model/random-weights.js';
import { AppService } from '../../../electron/service/app-service.js';

export const TINY_ARCH = { features: 8, resBlocks: 2, hidden: 32, hiddenLayers: 4 } as const;

/** A models folder holding one tiny random model (untrained: its output is a flat colour), by default under the shipped model's name. */
export async function tinyModelsRoot(dir: string, name: string = DEFAULT_MODEL_NAME): Promise<string> {
  const root = join(dir, 'models');
  await exportModelDir(join(root, name), TINY_ARCH, randomWeights(TINY_ARCH, 7), { name });
  return root;
}

/** A smooth colour PNG of the given size. */
export async function writePhoto(path: string, width: number, height: number, seed = 1): Promise<string> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / Math.max(1, width - 1);
      data[i + 1] = (y * 255) / Math.max(1, height - 1);
      data[i + 2] = (seed * 67 + x * y) % 256;
    }
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
  return path;
}

/** A PNG cut short: the header parses, the pixels do not. */
export async function writeTruncated(path: string): Promise<string> {
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  await writeFile(path, png.subarray(0, Math.floor(png.length / 2)));
  return path;
}

export interface ServiceFixture {
  readonly dir: string;
  readonly photos: string;
  readonly service: AppService;
  cleanup(): Promise<void>;
}

export async function serviceFixture(modelsRoot: string): Promise<ServiceFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'liif-service-'));
  const photos = join(dir, 'photos');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(photos);
  const service = await AppService.create({ dataDir: join(dir, 'data'), modelRoots: [modelsRoot] });
  return {
    dir,
    photos,
    service,
    async cleanup() {
      await service.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
