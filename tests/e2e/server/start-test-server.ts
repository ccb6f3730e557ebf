/**
 * Starts the real service behind the HTTP test transport, and prints one JSON line {url, token, dir}
 * for the Playwright global setup. Run with `node --import tsx`.
 *
 * Two models: `tiny-random`, a tiny untrained model that upscales in milliseconds (its output is a
 * flat colour) and is the tests' default, and the shipped `liif-edsr-baseline` from models/, which
 * the tests that look at pixels choose (region preview, compare view).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultModelRoots } from '../../../electron/core/model/model-registry.js';
import type { Settings } from '../../../electron/ipc/payloads.js';
import { AppService } from '../../../electron/service/app-service.js';
import { DEFAULT_SETTINGS } from '../../../electron/service/settings-store.js';
import { tinyModelsRoot } from '../../unit/service/service-fixture.js';
import { startHttpTransport } from './http-transport.js';

const dir = process.env.LIIF_E2E_DIR ?? (await mkdtemp(join(tmpdir(), 'liif-e2e-')));
const tinyRoot = await tinyModelsRoot(dir, 'tiny-random');
const [shippedRoot] = defaultModelRoots();
const userModels = join(dir, 'user-models');
/** The defaults, but upscaling with the tiny model: most tests check the queue, not the pixels. */
const E2E_SETTINGS: Settings = { ...DEFAULT_SETTINGS, model: 'tiny-random' };
const service = await AppService.create({
  dataDir: join(dir, 'data'),
  modelRoots: [tinyRoot, shippedRoot, userModels],
  userModelsDir: userModels,
  // A fine-tune the tests can watch in seconds: tiny batches, crops and query counts, and no
  // warm-up or held average (full mode's defaults), which would keep a few steps from moving.
  finetuneKnobs: {
    batchSize: 2,
    lrSize: 16,
    queries: 64,
    learningRate: 1e-3,
    validateEvery: 2,
    checkpointEvery: 1,
    warmupSteps: 0,
    averageFromBase: false,
  },
});
await service.updateSettings(E2E_SETTINGS);
/** The next answers of the stand-in folder dialog, set by the tests (/test/dialog-answer). */
const dialogAnswers: string[] = [];
const transport = await startHttpTransport({
  service,
  staticDir: fileURLToPath(new URL('../../../dist/renderer', import.meta.url)),
  uploadDir: join(dir, 'uploads'),
  chooseFolder: async () => {
    const folder = dialogAnswers.shift();
    if (!folder) return null;
    service.chosen.add(folder);
    return folder;
  },
  routes: {
    /** The folder the next folder dialog answers with (the test generated it). */
    'dialog-answer': async (body) => {
      const { folder } = body as { folder: string };
      dialogAnswers.push(folder);
      return dialogAnswers.length;
    },
    /** Back to an empty queue and default settings between tests. */
    reset: async () => {
      service.cancelAll();
      await service.idle();
      for (const item of service.queueSnapshot().items) service.remove(item.id);
      await service.updateSettings(E2E_SETTINGS);
      dialogAnswers.length = 0;
      return service.queueSnapshot();
    },
  },
});

process.stdout.write(`${JSON.stringify({ url: transport.url, token: transport.token, dir })}\n`);

async function stop(): Promise<void> {
  await transport.close();
  await service.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
