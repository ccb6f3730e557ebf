/**
 * What the fine-tune view sends and receives, and the one reducer that turns the pushed
 * FinetuneUpdate events into a FinetuneStatus: the service and the renderer both run it, so the
 * chart after a reload looks like the chart that watched the run. Plain data only.
 */

import type { ImageRef } from '../ipc/payloads.js';
import type { FinetuneBudget, FinetuneMode } from './vocabulary.js';

export type { FinetuneBudget, FinetuneMode } from './vocabulary.js';

export interface ScanRequest {
  readonly folders: readonly string[];
  readonly recursive: boolean;
}

export interface ScannedPhoto {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  /** Training crops the photo holds at each of ScanSummary.cropScales. */
  readonly crops: readonly number[];
}

export interface ScanSummary {
  readonly folders: readonly string[];
  readonly recursive: boolean;
  readonly usable: readonly ScannedPhoto[];
  readonly skipped: ReadonlyArray<{
    readonly path: string;
    readonly reason: string;
    readonly message: string;
  }>;
  /** Usable photos by long side. */
  readonly histogram: ReadonlyArray<{ readonly label: string; readonly count: number }>;
  readonly cropScales: readonly number[];
  readonly totalCrops: readonly number[];
  /** Compressed photos among the usable ones; absent when nothing was scanned. */
  readonly compression?: {
    readonly compressed: number;
    readonly jpegs: number;
    readonly medianJpegQuality?: number;
  };
}

export interface FinetuneStartRequest {
  readonly name: string;
  readonly folders: readonly string[];
  readonly recursive: boolean;
  /** Base model name; null: the default model. */
  readonly base: string | null;
  readonly budget: FinetuneBudget;
  readonly mode: FinetuneMode;
}

/** One held-out photo's crop at x4: the original, bicubic, the base model and the tuned model. */
export interface FinetuneExample {
  /** The held-out photo's file name. */
  readonly photo: string;
  readonly scale: number;
  /** The crop's size in pixels (each picture's). */
  readonly width: number;
  readonly height: number;
  readonly images: {
    readonly original: ImageRef;
    readonly bicubic: ImageRef;
    readonly base: ImageRef;
    readonly tuned: ImageRef;
  };
  /** Y-PSNR of each against the original crop. */
  readonly psnr: { readonly bicubic: number; readonly base: number; readonly tuned: number };
}

export interface FinetuneOutcome {
  readonly name: string;
  readonly baseName: string;
  readonly steps: number;
  readonly seconds: number;
  /** The step whose weights were saved: the last, or with keepBest the best held-out (0: the base's). */
  readonly selectedStep: number;
  readonly basePsnr: number;
  readonly tunedPsnr: number;
  /** Held-out photos that got better / worse, and the largest single drop (dB); null if unknown. */
  readonly photos: {
    readonly better: number;
    readonly worse: number;
    readonly of: number;
    readonly largestDropDb: number;
  } | null;
  /** The held-out photo whose score rose most, as pictures; null when none was made. */
  readonly example: FinetuneExample | null;
}

export type FinetuneState = 'idle' | 'running' | 'pausing' | 'paused' | 'cancelling' | 'done' | 'failed';

/** A [step, value] point of a chart. */
export type ChartPoint = readonly [number, number];

export interface FinetuneStatus {
  readonly state: FinetuneState;
  readonly name?: string;
  readonly baseName?: string;
  readonly mode?: FinetuneMode;
  readonly totalSteps?: number;
  readonly step: number;
  readonly stepsPerSecond?: number;
  readonly etaMs?: number;
  readonly loss: readonly ChartPoint[];
  /** Held-out PSNR of the model being tuned (its step-0 point is the base model's). */
  readonly psnr: readonly ChartPoint[];
  readonly basePsnr?: number;
  readonly result?: FinetuneOutcome;
  readonly error?: string;
}

/** A run left by a pause, a closed app or a crash: offered to resume on start. */
export interface InterruptedRunInfo {
  readonly name: string;
  readonly baseName: string;
  readonly mode: FinetuneMode;
  readonly images: number;
  readonly step: number;
  readonly budget: FinetuneBudget;
  readonly createdAt: string;
}

/** A run folder whose saved state cannot be read: it can only be discarded. */
export interface DamagedRunInfo {
  readonly name: string;
  /** What is wrong, in words (which file, why). */
  readonly problem: string;
}

export interface FinetuneOverview {
  readonly status: FinetuneStatus;
  readonly interrupted: readonly InterruptedRunInfo[];
  readonly damaged: readonly DamagedRunInfo[];
  /** The folders last scanned (still existing), remembered across reloads and restarts. */
  readonly selection: { readonly folders: readonly string[]; readonly recursive: boolean };
}

/** Pushed while a run lives, tagged by kind (never text to parse). */
export type FinetuneUpdate =
  | {
      readonly kind: 'started';
      readonly name: string;
      readonly baseName: string;
      readonly mode: FinetuneMode;
      readonly totalSteps?: number;
      readonly resumed: boolean;
      /** The base model's held-out PSNR, when a resumed run measured it before. */
      readonly basePsnr?: number;
    }
  | {
      readonly kind: 'step';
      readonly step: number;
      readonly totalSteps?: number;
      readonly loss: number;
      readonly stepsPerSecond: number;
      readonly etaMs?: number;
    }
  | { readonly kind: 'validation'; readonly step: number; readonly psnr: number; readonly basePsnr?: number }
  | { readonly kind: 'pausing' | 'cancelling' }
  | { readonly kind: 'paused'; readonly name: string; readonly step: number }
  | { readonly kind: 'cancelled'; readonly name: string }
  | { readonly kind: 'done'; readonly result: FinetuneOutcome }
  | { readonly kind: 'error'; readonly message: string };

export interface ModelRenameRequest {
  readonly name: string;
  readonly to: string;
}

export interface ModelNameRequest {
  readonly name: string;
}

export interface ModelExportRequest {
  readonly name: string;
  readonly folder: string;
}

export interface FolderRequest {
  readonly folder: string;
}

export interface RunNameRequest {
  readonly name: string;
}

export const IDLE_FINETUNE: FinetuneStatus = { state: 'idle', step: 0, loss: [], psnr: [] };

/** The status after one update. */
export function applyFinetuneUpdate(status: FinetuneStatus, update: FinetuneUpdate): FinetuneStatus {
  switch (update.kind) {
    case 'started': {
      // A resume of the run on screen keeps its chart; anything else starts a fresh one.
      const same = update.resumed && status.name === update.name;
      return {
        ...(same ? status : IDLE_FINETUNE),
        state: 'running',
        name: update.name,
        baseName: update.baseName,
        mode: update.mode,
        ...(update.totalSteps !== undefined ? { totalSteps: update.totalSteps } : {}),
        ...(update.basePsnr !== undefined ? { basePsnr: update.basePsnr } : {}),
        result: undefined,
        error: undefined,
      };
    }
    case 'step':
      return {
        ...status,
        step: update.step,
        totalSteps: update.totalSteps ?? status.totalSteps,
        stepsPerSecond: update.stepsPerSecond,
        etaMs: update.etaMs,
        loss: [...status.loss.filter((p) => p[0] < update.step), [update.step, update.loss]],
      };
    case 'validation':
      return {
        ...status,
        basePsnr: update.basePsnr ?? status.basePsnr,
        psnr: [...status.psnr.filter((p) => p[0] < update.step), [update.step, update.psnr]],
      };
    case 'pausing':
    case 'cancelling':
      return { ...status, state: update.kind };
    case 'paused':
      return { ...status, state: 'paused', step: update.step, etaMs: undefined };
    case 'cancelled':
      return IDLE_FINETUNE;
    case 'done':
      return { ...status, state: 'done', result: update.result, etaMs: undefined };
    case 'error':
      return { ...status, state: 'failed', error: update.message };
  }
}
