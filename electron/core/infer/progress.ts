/** Typed progress of one image's upscale: the UI and the CLI render these, never parse text. */

export type UpscaleStage = 'colour' | 'alpha' | 'resize' | 'write';

export interface TileProgress {
  readonly kind: 'tiles';
  readonly stage: UpscaleStage;
  readonly tilesDone: number;
  readonly tilesTotal: number;
  /** Fraction of the whole image's work done, 0..1 (all stages together). */
  readonly fraction: number;
  readonly elapsedMs: number;
  /** Estimated time left, from the pace so far; undefined before the first tile finishes. */
  readonly etaMs: number | undefined;
}

export type ProgressListener = (event: TileProgress) => void;

/** Throws the signal's reason if it was aborted: called between tiles and chunks. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
