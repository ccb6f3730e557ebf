/**
 * A real AppService over a temp tree shaped like a user's: a shipped models root, the user's models
 * folder with one model and one interrupted fine-tuning run, and folders beside it that a hostile
 * renderer would like to delete ("victim", the data folder's parent). Listing the whole tree before
 * and after a probe shows whether anything changed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportModelDir } from '../../../electron/core/model/export-model.js';
import { randomWeights } from '../../../electron/core/model/random-weights.js';
import { AppService } from '../../../electron/service/app-service.js';
import { serviceHandlers } from '../../../electron/service/handlers.js';
import { treeListing } from '../../helpers/tree-listing.js';
import { TINY_ARCH, tinyModelsRoot } from '../service/service-fixture.js';

export async function securityFixture() {
  const root = await mkdtemp(join(tmpdir(), 'liif-security-'));
  const shipped = await tinyModelsRoot(join(root, 'app'));
  const userModels = join(root, 'user', 'models');
  await exportModelDir(join(userModels, 'mine'), TINY_ARCH, randomWeights(TINY_ARCH, 3), { name: 'mine' });
  const run = join(userModels, '.finetune', 'paused-run');
  await mkdir(run, { recursive: true });
  await writeFile(join(run, 'checkpoint.safetensors'), 'not really a checkpoint');
  await mkdir(join(root, 'victim'));
  await writeFile(join(root, 'victim', 'keep.txt'), 'precious');
  const dataDir = join(root, 'user', 'data');
  const service = await AppService.create({ dataDir, modelRoots: [shipped, userModels] });
  return {
    root,
    userModels,
    dataDir,
    service,
    handlers: serviceHandlers(service),
    /** The listing of everything the service should never change (the data folder is its own). */
    listing: async () => (await treeListing(root)).filter((line) => !line.startsWith('user/data')),
    async cleanup() {
      await service.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
