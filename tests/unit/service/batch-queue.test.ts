import { describe, expect, it } from 'vitest';
import { BatchQueue, type QueueEntry, type RunOutcome } from '../../../electron/service/batch-queue.js';

function entry(id: string): QueueEntry {
  return {
    id,
    path: `/p/${id}.png`,
    name: `${id}.png`,
    size: { width: 10, height: 10 },
    state: 'queued',
    progress: 0,
  };
}

/** A queue whose runner waits until the test releases each item. */
function harness(outcomes: Record<string, RunOutcome['status']> = {}) {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const queue = new BatchQueue({
    run: (e, signal) =>
      new Promise<RunOutcome>((resolve) => {
        started.push(e.id);
        const finish = () =>
          resolve({
            status: outcomes[e.id] ?? 'done',
            seconds: 1,
            error: outcomes[e.id] === 'failed' ? 'bad' : undefined,
          });
        release.set(e.id, finish);
        signal.addEventListener('abort', () => resolve({ status: 'cancelled', seconds: 0 }));
      }),
    changed: () => {},
    progressed: () => {},
  });
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return {
    queue,
    started,
    release: async (id: string) => {
      release.get(id)?.();
      await tick();
      await tick();
    },
    tick,
  };
}

describe('batch queue', () => {
  it('runs items in order, one at a time', async () => {
    const h = harness();
    h.queue.add([entry('a'), entry('b')]);
    h.queue.start();
    await h.tick();
    expect(h.started).toEqual(['a']);
    await h.release('a');
    expect(h.started).toEqual(['a', 'b']);
    await h.release('b');
    await h.queue.idle();
    expect(h.queue.entries.map((e) => e.state)).toEqual(['done', 'done']);
    expect(h.queue.running).toBe(false);
  });

  it('pauses after the current item and resumes on start', async () => {
    const h = harness();
    h.queue.add([entry('a'), entry('b')]);
    h.queue.start();
    await h.tick();
    h.queue.pauseAfterCurrent();
    await h.release('a');
    await h.queue.idle();
    expect(h.started).toEqual(['a']);
    expect(h.queue.entries[1].state).toBe('queued');
    h.queue.start();
    await h.tick();
    expect(h.started).toEqual(['a', 'b']);
  });

  it('cancels one, cancels all, retries failed and cancelled', async () => {
    const h = harness({ b: 'failed' });
    h.queue.add([entry('a'), entry('b'), entry('c'), entry('d')]);
    h.queue.start();
    await h.tick();
    h.queue.cancel('a');
    await h.tick();
    await h.tick();
    expect(h.queue.entries[0].state).toBe('cancelled');
    await h.release('b');
    expect(h.queue.entries[1]).toMatchObject({ state: 'failed', error: 'bad' });
    h.queue.cancelAll();
    await h.queue.idle();
    expect(h.queue.entries.map((e) => e.state)).toEqual(['cancelled', 'failed', 'cancelled', 'cancelled']);
    h.queue.retryFailed();
    expect(h.queue.entries.map((e) => e.state)).toEqual(['queued', 'queued', 'queued', 'queued']);
  });

  it('removes items and clears finished ones', async () => {
    const h = harness();
    h.queue.add([entry('a'), entry('b'), entry('c')]);
    h.queue.start();
    await h.tick();
    await h.release('a');
    h.queue.remove('b');
    await h.tick();
    await h.tick();
    expect(h.queue.entries.map((e) => e.id)).toEqual(['a', 'c']);
    await h.release('c');
    h.queue.clearFinished();
    expect(h.queue.entries).toEqual([]);
  });

  it('reports overall progress over the items that count', async () => {
    const h = harness();
    h.queue.add([entry('a'), entry('b'), entry('c')]);
    h.queue.cancel('c');
    h.queue.start();
    await h.tick();
    h.queue.entries[0].progress = 0.5;
    expect(h.queue.overall()).toMatchObject({ total: 2, finished: 0, fraction: 0.25 });
    await h.release('a');
    expect(h.queue.overall()).toMatchObject({ total: 2, finished: 1 });
  });
});
