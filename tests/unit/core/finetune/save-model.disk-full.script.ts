/**
 * Run by save-model.disk-full.test.ts inside a private mount namespace where the models folder is a small
 * tmpfs: fine-tunes a few steps, fills the disk the moment the model starts saving, then frees it
 * and resumes. Prints one JSON line per stage for the test to check.
 * Usage: node --import tsx save-model.disk-full.script.ts MODELS_DIR PHOTOS_DIR BASE_DIR
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resumeFinetune, startFinetune } from '../../../../electron/core/finetune/finetune.js';
import { treeListing } from '../../../helpers/tree-listing.js';

const [modelsDir, photos, baseDir] = process.argv.slice(2) as [string, string, string];
const env = { modelsDir, roots: [] };
const filler = join(modelsDir, 'filler.bin');
const say = (stage: string, extra: object) =>
  process.stdout.write(`${JSON.stringify({ stage, ...extra })}\n`);
const names = async () => (await treeListing(modelsDir)).map((line) => line.split(' ')[0]);

/** Writes until the file system says ENOSPC: the disk is then really full. */
function fillDisk(): void {
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

try {
  await startFinetune(
    {
      name: 'full',
      folders: [photos],
      recursive: true,
      from: baseDir,
      budget: { steps: 2 },
      holdout: 0.25,
      knobs: { batchSize: 2, lrSize: 16, queries: 64, validateEvery: 2, checkpointEvery: 1, warmupSteps: 0 },
    },
    env,
    { onEvent: (e) => e.kind === 'saving' && fillDisk() },
  );
  say('start', { saved: true });
} catch (err) {
  say('start', {
    code: (err as { code?: string }).code,
    message: (err as Error).message,
    files: await names(),
  });
}
await rm(filler);
const resumed = await resumeFinetune('full', env);
say('resume', { status: resumed.status, files: await names() });
