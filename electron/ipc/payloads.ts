/**
 * What travels over the channels: requests, results and pushed events. Shared by the main process,
 * the preload, the renderer and the HTTP test transport. Plain data only (structured-clone safe).
 * The names core uses too (formats, policies, providers) come from electron/shared/vocabulary.ts.
 */
import type { Channel } from '../shared/channels.js';
import type {
  FinetuneOverview,
  FinetuneStartRequest,
  FinetuneUpdate,
  FolderRequest,
  ModelExportRequest,
  ModelNameRequest,
  ModelRenameRequest,
  RunNameRequest,
  ScanRequest,
  ScanSummary,
} from '../shared/finetune-payloads.js';
import type { SizeChoice } from '../shared/size-choice.js';
import type {
  ConflictPolicy,
  FailureParts,
  InputChoice,
  OutputFormat,
  ProviderChoice,
} from '../shared/vocabulary.js';

export type * from '../shared/finetune-payloads.js';
export type { SizeChoice } from '../shared/size-choice.js';

export type {
  ConflictPolicy,
  FailureParts,
  InputChoice,
  OutputFormat,
  ProviderChoice,
} from '../shared/vocabulary.js';
export { CONFLICT_POLICIES, INPUT_CHOICES, OUTPUT_FORMATS, PROVIDER_CHOICES } from '../shared/vocabulary.js';

/** An image the app may show: an opaque id the transport turns into a URL (never a file path). */
export type ImageRef = string;

export interface OutputChoice {
  /** Output folder the user chose; null: an `upscaled` folder beside each source. */
  readonly folder: string | null;
  /** File name without extension: {name}, {width}, {height}, {scale}; `.{ext}` is added. */
  readonly template: string;
  /** 'same': the source's format when it can be written, else PNG. */
  readonly format: OutputFormat | 'same';
  /** 1-100, for JPEG, WebP and AVIF. */
  readonly quality: number;
  readonly onConflict: ConflictPolicy;
  readonly keepMetadata: boolean;
}

export interface Settings {
  readonly size: SizeChoice;
  readonly output: OutputChoice;
  readonly provider: ProviderChoice;
  /** Model folder name; null: the default model, or the photo model for compressed inputs. */
  readonly model: string | null;
  /** With the default model: which model each input gets (shared/vocabulary.ts). */
  readonly input: InputChoice;
  /** Include subfolders when a folder is added. */
  readonly recursive: boolean;
}

export interface SettingsPatch {
  readonly size?: SizeChoice;
  readonly output?: Partial<OutputChoice>;
  readonly provider?: ProviderChoice;
  readonly model?: string | null;
  readonly input?: InputChoice;
  readonly recursive?: boolean;
}

/** Per-item settings that win over the defaults. */
export interface ItemOverride {
  readonly size?: SizeChoice;
  readonly format?: OutputFormat | 'same';
}

export type ItemState = 'queued' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface PixelSize {
  readonly width: number;
  readonly height: number;
}

export interface QueueItem {
  readonly id: string;
  /** File name, for display. */
  readonly name: string;
  /** Full path, for display (tooltips, "saved to"). */
  readonly path: string;
  readonly source: ImageRef;
  readonly thumbnail?: ImageRef;
  /** Source size after EXIF orientation; absent when the file could not be read. */
  readonly size?: PixelSize;
  /** The output size: of the saved file once finished, else what the effective settings give. */
  readonly target?: PixelSize;
  /** Finished only: what today's settings would give when it differs from the saved file (not redone). */
  readonly targetNow?: PixelSize;
  /** Why there is no target size (unreadable file, invalid size). */
  readonly targetProblem?: string;
  /** Why the target would fail though it is a valid size (the output format cannot store it). */
  readonly targetWarning?: string;
  readonly state: ItemState;
  /** 0..1 within this item. */
  readonly progress: number;
  readonly etaMs?: number;
  /** Plain-words failure, naming the file. */
  readonly error?: string;
  /** The same failure in parts, for showing beside the file's name. */
  readonly failure?: FailureParts;
  /** What reading the photo changed without being asked (CMYK made sRGB, frames dropped). */
  readonly notices?: readonly string[];
  /** Which model the photo got and why ("compressed photo (JPEG ~q75): artefacts removed"). */
  readonly inputKind?: string;
  readonly output?: {
    readonly image: ImageRef;
    readonly path: string;
    readonly width: number;
    readonly height: number;
  };
  readonly seconds?: number;
  readonly override?: ItemOverride;
}

export interface OverallProgress {
  /** Items that count (cancelled ones do not). */
  readonly total: number;
  readonly finished: number;
  readonly failed: number;
  readonly fraction: number;
  readonly etaMs?: number;
}

export interface QueueSnapshot {
  readonly items: readonly QueueItem[];
  /** The queue is working through its items. */
  readonly running: boolean;
  /** It will stop after the current item. */
  readonly pausing: boolean;
  readonly overall: OverallProgress;
  /**
   * Increases with every snapshot the service takes. Replies and pushed events can arrive in
   * either order; the renderer keeps the newest and drops older ones.
   */
  readonly version: number;
}

export interface EngineStatus {
  readonly state: 'idle' | 'loading' | 'ready' | 'error';
  readonly model?: string;
  readonly provider?: string;
  /** Why this provider, e.g. "cuda: CUDA not installed; using cpu". */
  readonly reason?: string;
  readonly error?: string;
}

export interface ModelInfo {
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly error?: string;
  /** In the user models folder (fine-tuned or imported): can be renamed and deleted. */
  readonly user?: boolean;
  /** Held-out PSNR before and after fine-tuning, from the model card. */
  readonly heldOut?: { readonly basePsnr: number; readonly tunedPsnr: number };
}

export interface AppSnapshot {
  readonly settings: Settings;
  readonly queue: QueueSnapshot;
  readonly engine: EngineStatus;
  readonly models: readonly ModelInfo[];
}

export interface AddPathsRequest {
  readonly paths: readonly string[];
  readonly recursive: boolean;
}

export interface AddResult {
  readonly added: number;
  /** Paths not added and why (missing, not an image, already queued). */
  readonly rejected: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
}

/** A rectangle of target pixels. */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PreviewRequest {
  readonly id: string;
  readonly region: Region;
  /**
   * Decode every k-th pixel only (k = 2..8), for a quick first look while the full preview renders:
   * 1/k^2 of the decoding. The result is k times smaller and shown stretched.
   */
  readonly coarse?: number;
}

export interface PreviewResult {
  readonly image: ImageRef;
  /** The region actually decoded (clipped to the target). */
  readonly region: Region;
  readonly target: PixelSize;
  readonly usedModel: boolean;
  /**
   * The photo's model has the LMF decoder, whose cost is mostly the encoder's: a quick look would
   * take nearly as long as the full preview, so the renderer stops asking for one.
   */
  readonly fastDecoder: boolean;
  readonly ms: number;
  /** 1 for a full preview; k for a coarse one (the image is region / k pixels). */
  readonly coarse: number;
}

export interface ItemRequest {
  readonly id: string;
}

export interface OverrideRequest {
  readonly id: string;
  readonly override: ItemOverride | null;
}

export type AppEvent =
  | { readonly kind: 'queue'; readonly queue: QueueSnapshot }
  | {
      readonly kind: 'progress';
      readonly id: string;
      readonly progress: number;
      readonly etaMs?: number;
      readonly overall: OverallProgress;
    }
  | { readonly kind: 'engine'; readonly engine: EngineStatus }
  | { readonly kind: 'settings'; readonly settings: Settings }
  | { readonly kind: 'models'; readonly models: readonly ModelInfo[] }
  | { readonly kind: 'finetune'; readonly update: FinetuneUpdate };

/** Request and result of every invoke channel. */
export interface InvokeMap {
  [Channel.Snapshot]: { request: undefined; result: AppSnapshot };
  [Channel.AddPaths]: { request: AddPathsRequest; result: AddResult };
  [Channel.Start]: { request: undefined; result: QueueSnapshot };
  [Channel.Pause]: { request: undefined; result: QueueSnapshot };
  [Channel.Cancel]: { request: ItemRequest; result: QueueSnapshot };
  [Channel.CancelAll]: { request: undefined; result: QueueSnapshot };
  [Channel.RetryFailed]: { request: undefined; result: QueueSnapshot };
  [Channel.Redo]: { request: ItemRequest; result: QueueSnapshot };
  [Channel.Remove]: { request: ItemRequest; result: QueueSnapshot };
  [Channel.ClearFinished]: { request: undefined; result: QueueSnapshot };
  [Channel.SetOverride]: { request: OverrideRequest; result: QueueSnapshot };
  [Channel.UpdateSettings]: { request: SettingsPatch; result: Settings };
  [Channel.Preview]: { request: PreviewRequest; result: PreviewResult };
  [Channel.FinetuneOverview]: { request: undefined; result: FinetuneOverview };
  [Channel.FinetuneScan]: { request: ScanRequest; result: ScanSummary };
  [Channel.FinetuneStart]: { request: FinetuneStartRequest; result: FinetuneOverview };
  [Channel.FinetunePause]: { request: undefined; result: FinetuneOverview };
  [Channel.FinetuneResume]: { request: RunNameRequest; result: FinetuneOverview };
  [Channel.FinetuneCancel]: { request: RunNameRequest; result: FinetuneOverview };
  [Channel.ModelRename]: { request: ModelRenameRequest; result: readonly ModelInfo[] };
  [Channel.ModelDelete]: { request: ModelNameRequest; result: readonly ModelInfo[] };
  [Channel.ModelExport]: { request: ModelExportRequest; result: string };
  [Channel.ModelImport]: { request: FolderRequest; result: readonly ModelInfo[] };
  [Channel.ChooseFolder]: { request: undefined; result: string | null };
  [Channel.OpenFiles]: { request: undefined; result: AddResult };
  [Channel.OpenFolder]: { request: undefined; result: AddResult };
  [Channel.ChooseOutputFolder]: { request: undefined; result: Settings };
  [Channel.ShowInFolder]: { request: ItemRequest; result: undefined };
}

export type RequestOf<C extends keyof InvokeMap> = InvokeMap[C]['request'];
export type ResultOf<C extends keyof InvokeMap> = InvokeMap[C]['result'];
