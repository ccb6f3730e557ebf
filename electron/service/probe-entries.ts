/** New queue entries for files: their size from the header only, or a plain-words failure. */
import { basename } from 'node:path';
import { errorText, failureParts } from '../core/image/image-errors.js';
import { probeImage } from '../core/image/read-image.js';
import type { QueueEntry } from './batch-queue.js';

const PROBE_CONCURRENCY = 4;

export async function probeEntries(files: readonly string[], nextId: () => string): Promise<QueueEntry[]> {
  const entries: QueueEntry[] = files.map((path) => ({
    id: nextId(),
    path,
    name: basename(path),
    state: 'queued',
    progress: 0,
  }));
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const entry = entries[next++];
      try {
        const probe = await probeImage(entry.path);
        entry.size = { width: probe.width, height: probe.height };
      } catch (error) {
        // Unreadable from the start: fail now, in plain words, instead of when its turn comes.
        entry.state = 'failed';
        entry.error = errorText(error);
        entry.failure = failureParts(error);
      }
    }
  };
  await Promise.all(Array.from({ length: PROBE_CONCURRENCY }, worker));
  return entries;
}
