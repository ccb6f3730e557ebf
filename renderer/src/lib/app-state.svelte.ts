/**
 * The renderer's state, kept in sync with the service: a snapshot on load, then pushed events.
 * Components read it and call its actions; failures become a plain-words notice.
 */

import { tick } from 'svelte';
import type {
  AddResult,
  AppEvent,
  EngineStatus,
  ItemOverride,
  LiifApi,
  ModelInfo,
  OverallProgress,
  QueueItem,
  QueueSnapshot,
  Settings,
  SettingsPatch,
} from '../api/index.js';
import { FinetuneState } from './finetune-state.svelte.js';
import { focusLost, focusRow } from './focus-row.js';
import { activeRow, neighbourOf } from './queue-focus.js';

export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly text: string;
}

const EMPTY_OVERALL: OverallProgress = { total: 0, finished: 0, failed: 0, fraction: 0 };

export class AppState {
  settings = $state<Settings | undefined>();
  /** Version of the newest queue snapshot applied (see QueueSnapshot.version). */
  private queueVersion = 0;
  items = $state<QueueItem[]>([]);
  running = $state(false);
  pausing = $state(false);
  overall = $state<OverallProgress>(EMPTY_OVERALL);
  engine = $state<EngineStatus>({ state: 'idle' });
  models = $state<readonly ModelInfo[]>([]);
  selectedId = $state<string | undefined>();
  /** The queue row holding the list's Tab stop (lib/queue-focus.ts), once the keyboard moved it. */
  activeRowId = $state<string | undefined>();
  compareId = $state<string | undefined>();
  notices = $state<Notice[]>([]);
  loaded = $state(false);
  /** Where each photo's region preview was centred (fractions of the target), by item id. */
  readonly previewCentres = new Map<string, readonly [number, number]>();
  /** Which view shows: upscaling photos, or fine-tuning a model on them. */
  view = $state<'upscale' | 'finetune'>('upscale');
  readonly finetune: FinetuneState;

  selected = $derived(this.items.find((i) => i.id === this.selectedId));
  compared = $derived(this.items.find((i) => i.id === this.compareId));
  /** The photo whose size the pickers show results for: the selected one, else the first. */
  reference = $derived((this.selected ?? this.items.find((i) => i.size))?.size);

  private nextNotice = 1;
  private selectWhenListed = false;

  constructor(readonly api: LiifApi) {
    this.finetune = new FinetuneState(this);
    api.onEvent((event) => this.apply(event));
  }

  async load(): Promise<void> {
    await this.act(async () => {
      const snapshot = await this.api.snapshot();
      this.settings = snapshot.settings;
      this.setQueue(snapshot.queue);
      this.engine = snapshot.engine;
      this.models = snapshot.models;
      this.loaded = true;
    });
    await this.finetune.load();
  }

  apply(event: AppEvent): void {
    switch (event.kind) {
      case 'queue':
        this.setQueue(event.queue);
        break;
      case 'progress': {
        const index = this.items.findIndex((i) => i.id === event.id);
        if (index >= 0)
          this.items[index] = { ...this.items[index], progress: event.progress, etaMs: event.etaMs };
        this.overall = event.overall;
        break;
      }
      case 'engine':
        this.engine = event.engine;
        break;
      case 'settings':
        this.settings = event.settings;
        break;
      case 'models':
        this.models = event.models;
        break;
      case 'finetune':
        this.finetune.apply(event.update);
        break;
    }
  }

  /** Runs an API call; a failure becomes an error notice instead of an unhandled rejection. */
  async act<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      this.notify('error', error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  notify(kind: Notice['kind'], text: string): void {
    const notice = { id: this.nextNotice++, kind, text };
    this.notices = [...this.notices, notice].slice(-4);
    if (kind === 'info') setTimeout(() => this.dismiss(notice.id), 6000);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  async addFiles(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    const result = await this.act(() => this.api.addDroppedFiles(files, this.settings?.recursive ?? false));
    if (result) this.reportAdded(result);
  }

  async openFiles(): Promise<void> {
    const open = this.api.openFiles;
    if (!open) return;
    const result = await this.act(open);
    if (result) this.reportAdded(result);
  }

  async openFolder(): Promise<void> {
    const open = this.api.openFolder;
    if (!open) return;
    const result = await this.act(open);
    if (result) this.reportAdded(result);
  }

  async chooseOutputFolder(): Promise<void> {
    const choose = this.api.chooseOutputFolder;
    if (!choose) return;
    const settings = await this.act(choose);
    if (settings) this.settings = settings;
  }

  async updateSettings(patch: SettingsPatch): Promise<void> {
    // The new settings arrive as the service's 'settings' event, in the order the service applied
    // them. Assigning the reply as well would deliver each change twice, and a reply that lands after
    // the next change's event would put the older settings back under the user's typing.
    await this.act(() => this.api.updateSettings(patch));
  }

  async setOverride(id: string, override: ItemOverride | null): Promise<void> {
    await this.queueAction(() => this.api.setOverride(id, override));
  }

  start = () => this.queueAction(() => this.api.start());
  pause = () => this.queueAction(() => this.api.pauseAfterCurrent());
  cancelAll = () => this.queueAction(() => this.api.cancelAll());
  /** Every failed and cancelled photo again, and the queue started: one click, not two. */
  retryFailed = () =>
    this.queueAction(async () => {
      await this.api.retryFailed();
      return this.api.start();
    });
  redo = (id: string) => this.queueAction(() => this.api.redo(id));
  /** A failed or cancelled photo again, at once: queued and the queue started. */
  retry = (id: string) =>
    this.queueAction(async () => {
      await this.api.redo(id);
      return this.api.start();
    });
  clearFinished = async () => {
    await this.queueAction(() => this.api.clearFinished());
    // The button is disabled now that nothing is finished: focus goes on to the queue.
    if (focusLost()) await focusRow(activeRow(this.items, this.activeRowId, this.selectedId));
  };
  cancel = (id: string) => this.queueAction(() => this.api.cancel(id));
  remove = async (id: string) => {
    const next = neighbourOf(this.items, id);
    if (this.selectedId === id) this.selectedId = undefined;
    if (this.activeRowId === id) this.activeRowId = next;
    await this.queueAction(() => this.api.remove(id));
    // Its row (and the button pressed) is gone: focus the row that took its place.
    if (focusLost()) await focusRow(next);
  };

  private async queueAction(call: () => Promise<QueueSnapshot>): Promise<void> {
    const queue = await this.act(call);
    if (queue) this.setQueue(queue);
  }

  private setQueue(queue: QueueSnapshot): void {
    // A reply can arrive after newer pushed events: never go back to an older state.
    if (queue.version <= this.queueVersion) return;
    this.queueVersion = queue.version;
    this.items = [...queue.items];
    this.running = queue.running;
    this.pausing = queue.pausing;
    this.overall = queue.overall;
    if (this.selectedId && !this.items.some((i) => i.id === this.selectedId)) this.selectedId = undefined;
    if (this.compareId && !this.items.some((i) => i.id === this.compareId)) this.compareId = undefined;
    if (this.selectWhenListed) this.selectFirst();
  }

  /**
   * Once the queue event listing the new photos has arrived and the page shows them: if the element
   * that had focus (`from`, e.g. the empty window's "Add photos") is gone, the first row takes it.
   */
  private async focusWhenListed(from: Element | null): Promise<void> {
    for (let i = 0; i < 100 && this.items.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await tick();
    if (focusLost() || (from && !from.isConnected))
      await focusRow(activeRow(this.items, this.activeRowId, this.selectedId));
  }

  private selectFirst(): void {
    const first = this.items.find((i) => i.size);
    if (!first) return;
    if (!this.selectedId) this.selectedId = first.id;
    this.selectWhenListed = false;
  }

  private reportAdded(result: AddResult): void {
    // The empty window's buttons make way for the queue: focus goes to the first photo's row.
    if (result.added > 0) void this.focusWhenListed(document.activeElement);
    // Select the first new photo once it shows up (the queue event may come after this reply).
    if (result.added > 0 && !this.selectedId) {
      this.selectWhenListed = true;
      this.selectFirst();
    }
    if (result.rejected.length > 0) {
      const shown = result.rejected.slice(0, 3).map((r) => `${basename(r.path)}: ${r.reason}`);
      const more = result.rejected.length > 3 ? ` and ${result.rejected.length - 3} more` : '';
      this.notify('error', `Not added: ${shown.join('; ')}${more}`);
    }
  }
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
