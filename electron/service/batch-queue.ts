/**
 * The batch queue's state machine: items run one at a time, in order, through an injected runner.
 * Start, pause after the current item, cancel one or all, retry failed, remove, clear finished.
 * Knows nothing about images or models; the service supplies the runner and listens for changes.
 */
import type { FailureParts, ItemOverride, ItemState, OverallProgress, PixelSize } from '../ipc/payloads.js';

export interface QueueEntry {
  readonly id: string;
  readonly path: string;
  readonly name: string;
  /** Source size; undefined when the file could not be read. */
  size?: PixelSize;
  override?: ItemOverride;
  state: ItemState;
  progress: number;
  etaMs?: number;
  error?: string;
  failure?: FailureParts;
  output?: { readonly path: string; readonly width: number; readonly height: number };
  notices?: readonly string[];
  inputKind?: string;
  seconds?: number;
  startedAt?: number;
}

export interface RunOutcome {
  readonly status: 'done' | 'skipped' | 'failed' | 'cancelled';
  readonly output?: { readonly path: string; readonly width: number; readonly height: number };
  readonly notices?: readonly string[];
  readonly inputKind?: string;
  readonly error?: string;
  readonly failure?: FailureParts;
  readonly seconds: number;
}

export interface QueueHooks {
  run(
    entry: QueueEntry,
    signal: AbortSignal,
    onProgress: (fraction: number, etaMs?: number) => void,
  ): Promise<RunOutcome>;
  /** Structure or state changed (add, remove, state transitions). */
  changed(): void;
  /** Only the running item's progress moved. */
  progressed(entry: QueueEntry): void;
}

const FINISHED: ReadonlySet<ItemState> = new Set(['done', 'skipped']);

export class BatchQueue {
  readonly entries: QueueEntry[] = [];
  running = false;
  pausing = false;
  private current: { entry: QueueEntry; controller: AbortController } | undefined;
  private pumping: Promise<void> | undefined;

  constructor(private readonly hooks: QueueHooks) {}

  find(id: string): QueueEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  add(entries: readonly QueueEntry[]): void {
    this.entries.push(...entries);
    this.hooks.changed();
    if (this.running && !this.pausing) this.pump();
  }

  start(): void {
    this.pausing = false;
    if (!this.running) {
      this.running = true;
      this.pump();
    }
    this.hooks.changed();
  }

  /** Lets the running item finish, then stops. */
  pauseAfterCurrent(): void {
    if (this.current) this.pausing = true;
    else this.running = false;
    this.hooks.changed();
  }

  cancel(id: string): void {
    const entry = this.find(id);
    if (!entry) return;
    if (this.current?.entry === entry) this.current.controller.abort();
    else if (entry.state === 'queued') entry.state = 'cancelled';
    this.hooks.changed();
  }

  /** Cancels the running item and everything waiting, and stops the queue. */
  cancelAll(): void {
    this.running = false;
    this.pausing = false;
    for (const entry of this.entries) if (entry.state === 'queued') entry.state = 'cancelled';
    this.current?.controller.abort();
    this.hooks.changed();
  }

  /** Failed and cancelled items go back to the queue. */
  retryFailed(): void {
    for (const entry of this.entries) {
      if (entry.state === 'failed' || entry.state === 'cancelled') this.reset(entry);
    }
    this.hooks.changed();
    if (this.running && !this.pausing) this.pump();
  }

  /** Removes an item; a running one is cancelled first. */
  remove(id: string): void {
    const index = this.entries.findIndex((e) => e.id === id);
    if (index < 0) return;
    if (this.current?.entry === this.entries[index]) this.current.controller.abort();
    this.entries.splice(index, 1);
    this.hooks.changed();
  }

  clearFinished(): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (FINISHED.has(this.entries[i].state)) this.entries.splice(i, 1);
    }
    this.hooks.changed();
  }

  setOverride(id: string, override: ItemOverride | undefined): void {
    const entry = this.find(id);
    if (!entry) return;
    entry.override = override;
    // A finished photo keeps its result: its row offers to redo it (a silent re-queue could write
    // a second copy nobody asked for). A failed or cancelled one is ready to run with them.
    if ((entry.state === 'failed' || entry.state === 'cancelled') && entry.size) this.reset(entry);
    this.hooks.changed();
  }

  /** Queues a finished, failed or cancelled item again. */
  redo(id: string): void {
    const entry = this.find(id);
    if (!entry || entry.state === 'running' || entry.state === 'queued') return;
    this.reset(entry);
    this.hooks.changed();
  }

  /** Resolves when the queue has nothing running. */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  overall(now = performance.now()): OverallProgress {
    const counted = this.entries.filter((e) => e.state !== 'cancelled');
    const finished = counted.filter((e) => e.state !== 'queued' && e.state !== 'running');
    const sum = counted.reduce(
      (s, e) => s + (e.state === 'running' ? e.progress : e.state === 'queued' ? 0 : 1),
      0,
    );
    const total = counted.length;
    const fraction = total === 0 ? 0 : sum / total;
    return {
      total,
      finished: finished.length,
      failed: counted.filter((e) => e.state === 'failed').length,
      fraction,
      etaMs: this.eta(now),
    };
  }

  /** Current item's ETA plus the waiting items at the average pace of the finished ones. */
  private eta(now: number): number | undefined {
    const waiting = this.entries.filter((e) => e.state === 'queued').length;
    const done = this.entries.filter((e) => e.state === 'done' && e.seconds !== undefined);
    const running = this.current?.entry;
    let perItemMs: number | undefined;
    if (done.length > 0) perItemMs = (done.reduce((s, e) => s + (e.seconds ?? 0), 0) * 1000) / done.length;
    else if (running?.etaMs !== undefined && running.startedAt !== undefined)
      perItemMs = now - running.startedAt + running.etaMs;
    if (!running && waiting === 0) return undefined;
    if (running && running.etaMs === undefined && perItemMs === undefined) return undefined;
    return (running?.etaMs ?? 0) + waiting * (perItemMs ?? 0);
  }

  private reset(entry: QueueEntry): void {
    entry.state = 'queued';
    entry.progress = 0;
    entry.etaMs = undefined;
    entry.error = undefined;
    entry.failure = undefined;
    entry.output = undefined;
    entry.notices = undefined;
    entry.inputKind = undefined;
    entry.seconds = undefined;
  }

  private pump(): void {
    if (!this.pumping) {
      this.pumping = this.loop().finally(() => {
        this.pumping = undefined;
      });
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const entry = this.entries.find((e) => e.state === 'queued');
      if (!entry) {
        this.running = false;
        this.hooks.changed();
        break;
      }
      const controller = new AbortController();
      this.current = { entry, controller };
      entry.state = 'running';
      entry.progress = 0;
      entry.etaMs = undefined;
      entry.error = undefined;
      entry.failure = undefined;
      entry.startedAt = performance.now();
      this.hooks.changed();
      const outcome = await this.hooks
        .run(entry, controller.signal, (fraction, etaMs) => {
          entry.progress = fraction;
          entry.etaMs = etaMs;
          this.hooks.progressed(entry);
        })
        .catch((error: unknown): RunOutcome => {
          const message = error instanceof Error ? error.message : String(error);
          return { status: 'failed', error: message, failure: { reason: message }, seconds: 0 };
        });
      this.current = undefined;
      // A job that finished writing before the abort landed keeps its result.
      const cancelled =
        outcome.status === 'cancelled' || (controller.signal.aborted && outcome.status === 'failed');
      entry.state = cancelled ? 'cancelled' : outcome.status;
      entry.progress = entry.state === 'done' || entry.state === 'skipped' ? 1 : 0;
      entry.etaMs = undefined;
      entry.error = cancelled ? undefined : outcome.error;
      entry.failure = cancelled ? undefined : outcome.failure;
      entry.output = cancelled ? undefined : outcome.output;
      entry.notices = cancelled ? undefined : outcome.notices;
      entry.inputKind = cancelled ? undefined : outcome.inputKind;
      entry.seconds = outcome.seconds;
      if (this.pausing) {
        this.running = false;
        this.pausing = false;
      }
      this.hooks.changed();
    }
  }
}
