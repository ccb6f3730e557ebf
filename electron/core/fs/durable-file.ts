/**
 * Replacing a file so that a crash or a power cut leaves the old content or the new, never an
 * empty or half-written file: write a temp file beside it, flush it, rename it over the target,
 * then flush the folder so the rename itself is on disk (POSIX; Windows cannot open a folder for
 * that, and its rename is already journaled by NTFS).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Which flushes happened: a test seam, since a power cut cannot be staged in a unit test. */
export type SyncListener = (what: 'file' | 'folder') => void;

export async function writeFileDurable(
  path: string,
  bytes: Uint8Array | string,
  onSync?: SyncListener,
): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
      onSync?.('file');
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncFolder(dirname(path), onSync);
}

async function syncFolder(dir: string, onSync?: SyncListener): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
    onSync?.('folder');
  } catch {
    // Some file systems (network shares) refuse to sync a folder; the file itself is flushed.
  } finally {
    await handle.close();
  }
}
