/** Messages between the inference bridge and its worker thread. */

import type { ProviderChoice } from '../core/infer/onnx-runtime.js';
import type { TileProgress } from '../core/infer/progress.js';
import type { UpscaleFileRequest, UpscaleFileResult } from '../core/jobs/upscale-file.js';
import type { Rect, Size, SizeSpec } from '../shared/size-spec.js';

export interface EngineConfig {
  /** Model folder name or path; undefined: the default model. */
  readonly model: string | undefined;
  readonly provider: ProviderChoice;
  readonly roots: readonly string[];
}

export interface EngineInfo {
  readonly model: string;
  readonly provider: string;
  readonly reason: string;
}

export interface PreviewJob {
  readonly input: string;
  readonly size: SizeSpec;
  readonly region: Rect;
  /** Decode every k-th pixel only (see PreviewRequest.coarse); 1 = full. */
  readonly coarse: number;
  /** Where to write the preview PNG. */
  readonly out: string;
}

export interface PreviewOutcome {
  readonly path: string;
  readonly region: Rect;
  readonly target: Size;
  readonly usedModel: boolean;
  /** The model's decoder is LMF: a full preview costs about what a quick look does. */
  readonly fastDecoder: boolean;
  /** The GPU failed during this preview, which was then made on the CPU: why. */
  readonly providerFallback?: string;
}

/** What each call takes and gives back. */
export interface WorkerCalls {
  engine: { job: EngineConfig; result: EngineInfo };
  upscale: { job: UpscaleFileRequest & { readonly config: EngineConfig }; result: UpscaleFileResult };
  preview: { job: PreviewJob & { readonly config: EngineConfig }; result: PreviewOutcome };
}

export type WorkerMethod = keyof WorkerCalls;

export type ToWorker =
  | { readonly type: 'call'; readonly id: number; readonly method: WorkerMethod; readonly job: unknown }
  | { readonly type: 'abort'; readonly id: number }
  /** Abort everything, release the model and end the thread (the bridge's close). */
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'progress'; readonly id: number; readonly progress: TileProgress }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly aborted: boolean };
