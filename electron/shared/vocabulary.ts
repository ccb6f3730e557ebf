/**
 * The names both sides use, defined once: core (which writes files and runs models), the IPC
 * validator and payloads, and the renderer. Node-free, so the renderer may import it; core imports
 * it too, so the two can never drift (they used to be mirrored and cross-checked).
 */

export type OutputFormat = 'png' | 'jpeg' | 'webp' | 'avif' | 'tiff';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'jpeg', 'webp', 'avif', 'tiff'];

/** What to do when the output file exists: add " (n)", leave it, or replace it. */
export type ConflictPolicy = 'rename' | 'skip' | 'overwrite';
export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['rename', 'skip', 'overwrite'];

/** ONNX Runtime execution providers we know, and 'auto' (the first that works, best first). */
export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';
export type ProviderChoice = 'auto' | ProviderName;
export const PROVIDER_CHOICES: readonly ProviderChoice[] = ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'];

/**
 * A failure in parts, for a list that shows the file's name beside it: the reason in plain words
 * without the name, and the low-level cause apart (the app shows it smaller).
 */
export interface FailureParts {
  readonly reason: string;
  readonly detail?: string;
}

/**
 * Which model an input gets: 'auto' looks at each photo (a compressed one gets the photo model,
 * trained to remove JPEG blocks and noise); the others force one model for every input.
 */
export type InputChoice = 'auto' | 'clean' | 'compressed';
export const INPUT_CHOICES: readonly InputChoice[] = ['auto', 'clean', 'compressed'];

/** The shipped model trained on degraded inputs, which 'auto' gives compressed photos. */
export const PHOTO_MODEL_NAME = 'liif-edsr-photo';

/** Fine-tuning: 'full' trains every weight; 'fast' the decoder and the encoder's tail. */
export type FinetuneMode = 'full' | 'fast';

export interface FinetuneBudget {
  readonly steps?: number;
  /** Minutes in all, across pauses and resumes. */
  readonly minutes?: number;
}
