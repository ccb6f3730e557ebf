/**
 * Before the first output goes into a folder: remove the temp files an earlier run of ours left
 * there (a kill -9 or a power cut during the write), and prove the folder can be written, so a
 * read-only folder fails before an upscale that may take hours rather than after it.
 */
import { randomBytes } from 'node:crypto';
import { readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageError } from '../image/image-errors.js';

/** Exactly what atomic-file.ts `tempPathFor` makes: `.<file name>.<12 hex digits>.tmp`. */
export const OUR_TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * Prepares each output folder once per run. Only temp files older than the run are removed:
 * a newer one may be another run's, being written now.
 */
export class OutputFolders {
  private readonly prepared = new Map<string, Promise<void>>();

  constructor(readonly runStartedMs: number = Date.now()) {}

  /** Throws ImageError 'folder-not-writable' naming the folder when it cannot be written. */
  prepare(dir: string): Promise<void> {
    let ready = this.prepared.get(dir);
    if (!ready) {
      ready = this.sweepAndProbe(dir);
      // A failed probe is asked again next time: the user may have fixed the folder meanwhile.
      ready.catch(() => this.prepared.delete(dir));
      this.prepared.set(dir, ready);
    }
    return ready;
  }

  private async sweepAndProbe(dir: string): Promise<void> {
    await removeStaleTemps(dir, this.runStartedMs);
    const probe = join(dir, `.liif-write-probe.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(probe, '');
    } catch (err) {
      throw new ImageError(dir, 'folder-not-writable', (err as NodeJS.ErrnoException).code, { cause: err });
    }
    await unlink(probe).catch(() => undefined);
  }
}

/** Removes our own temp files in `dir` last changed before `beforeMs`; returns how many. */
export async function removeStaleTemps(dir: string, beforeMs: number): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!OUR_TEMP_FILE.test(name)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.mtimeMs >= beforeMs) continue;
    if (
      await unlink(path).then(
        () => true,
        () => false,
      )
    )
      removed++;
  }
  return removed;
}
