/**
 * Starts the real service with a tiny random model behind the HTTP test transport, and prints one
 * JSON line {url, token, dir} for the Playwright global setup. Run with `node --import tsx`.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppService } from '../../../electron/core/service/app-service.js';
import { DEFAULT_SETTINGS } from '../../../electron/core/service/settings-store.js';
import { tinyModelsRoot } from '../../unit/core/service/service-fixture.js';
import { startHttpTransport } from './http-transport.js';

const dir = process.env.LIIF_E2E_DIR ?? (await mkdtemp(join(tmpdir(), 'liif-e2e-')));
const modelsRoot = await tinyModelsRoot(dir);
const service = await AppService.create({ dataDir: join(dir, 'data'), modelRoots: [modelsRoot] });
const transport = await startHttpTransport({
  service,
  staticDir: fileURLToPath(new URL('../../../dist/renderer', import.meta.url)),
  uploadDir: join(dir, 'uploads'),
  routes: {
    /** Back to an empty queue and default settings between tests. */
    reset: async () => {
      service.cancelAll();
      await service.idle();
      for (const item of service.queueSnapshot().items) service.remove(item.id);
      await service.updateSettings(DEFAULT_SETTINGS);
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
