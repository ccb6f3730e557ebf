/**
 * The fine-tune view's state: the chosen folders and their scan, the run's status (built from the
 * pushed updates by the same reducer the service runs) and the interrupted runs to offer.
 */
import { applyFinetuneUpdate, IDLE_FINETUNE } from '../../../electron/shared/finetune-payloads.js';
import type {
  DamagedRunInfo,
  FinetuneBudget,
  FinetuneMode,
  FinetuneOverview,
  FinetuneStatus,
  FinetuneUpdate,
  InterruptedRunInfo,
  ModelInfo,
  ScanSummary,
} from '../api/index.js';
import type { AppState } from './app-state.svelte.js';

export interface FinetuneForm {
  readonly name: string;
  readonly base: string | null;
  readonly budget: FinetuneBudget;
  readonly mode: FinetuneMode;
}

export class FinetuneState {
  status = $state<FinetuneStatus>(IDLE_FINETUNE);
  interrupted = $state<readonly InterruptedRunInfo[]>([]);
  damaged = $state<readonly DamagedRunInfo[]>([]);
  folders = $state<string[]>([]);
  recursive = $state(false);
  scan = $state<ScanSummary | undefined>();
  scanning = $state(false);

  /** A run is going (or stopping): the form is locked. */
  busy = $derived(['running', 'pausing', 'cancelling'].includes(this.status.state));

  constructor(private readonly app: AppState) {}

  private get api() {
    return this.app.api;
  }

  async load(): Promise<void> {
    const overview = await this.app.act(() => this.api.finetuneOverview());
    if (!overview) return;
    this.setOverview(overview);
    // After a reload or restart: bring back the folders chosen last time, and their report.
    if (this.folders.length === 0 && overview.selection.folders.length > 0) {
      this.folders = [...overview.selection.folders];
      this.recursive = overview.selection.recursive;
      await this.rescan();
    }
  }

  apply(update: FinetuneUpdate): void {
    this.status = applyFinetuneUpdate(this.status, update);
    if (
      update.kind === 'paused' ||
      update.kind === 'cancelled' ||
      update.kind === 'done' ||
      update.kind === 'error'
    )
      void this.load();
    if (update.kind === 'error') this.app.notify('error', `Fine-tuning stopped: ${update.message}`);
  }

  async addFolder(): Promise<void> {
    const folder = await this.app.act(() => this.api.chooseFolder());
    if (!folder || this.folders.includes(folder)) return;
    this.folders = [...this.folders, folder];
    await this.rescan();
  }

  async removeFolder(folder: string): Promise<void> {
    this.folders = this.folders.filter((f) => f !== folder);
    await this.rescan();
  }

  async setRecursive(recursive: boolean): Promise<void> {
    this.recursive = recursive;
    await this.rescan();
  }

  async rescan(): Promise<void> {
    this.scan = undefined;
    if (this.folders.length === 0) {
      // Remembers that the list is now empty; there is no report to show.
      await this.app.act(() => this.api.scanFolders({ folders: [], recursive: this.recursive }));
      return;
    }
    this.scanning = true;
    try {
      this.scan = await this.app.act(() =>
        this.api.scanFolders({ folders: this.folders, recursive: this.recursive }),
      );
    } finally {
      this.scanning = false;
    }
  }

  async start(form: FinetuneForm): Promise<void> {
    const overview = await this.app.act(() =>
      this.api.startFinetune({ ...form, folders: this.folders, recursive: this.recursive }),
    );
    if (overview) this.setOverview(overview);
  }

  pause = async () => this.run(() => this.api.pauseFinetune());
  resume = async (name: string) => this.run(() => this.api.resumeFinetune(name));
  cancel = async (name: string) => this.run(() => this.api.cancelFinetune(name));

  async useForUpscaling(name: string): Promise<void> {
    await this.app.updateSettings({ model: name });
    this.app.notify('info', `Upscaling now uses "${name}"`);
  }

  async renameModel(name: string, to: string): Promise<void> {
    await this.models(() => this.api.renameModel(name, to));
  }

  async deleteModel(name: string): Promise<void> {
    await this.models(() => this.api.deleteModel(name));
  }

  async exportModel(name: string): Promise<void> {
    const folder = await this.app.act(() => this.api.chooseFolder());
    if (!folder) return;
    const dir = await this.app.act(() => this.api.exportModel(name, folder));
    if (dir) this.app.notify('info', `Exported "${name}" to ${dir}`);
  }

  async importModel(): Promise<void> {
    const folder = await this.app.act(() => this.api.chooseFolder());
    if (folder) await this.models(() => this.api.importModel(folder));
  }

  private async models(call: () => Promise<readonly ModelInfo[]>): Promise<void> {
    const models = await this.app.act(call);
    if (models) this.app.models = models;
  }

  private async run(call: () => Promise<FinetuneOverview>): Promise<void> {
    const overview = await this.app.act(call);
    if (overview) this.setOverview(overview);
  }

  private setOverview(overview: FinetuneOverview): void {
    // Pushed updates may have moved on while the reply travelled: keep the newer step.
    if (overview.status.state !== this.status.state || overview.status.step >= this.status.step)
      this.status = overview.status;
    this.interrupted = overview.interrupted;
    this.damaged = overview.damaged;
  }
}
