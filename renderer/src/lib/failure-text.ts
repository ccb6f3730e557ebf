/**
 * A failed photo's error as the queue shows it, beside the file's name: the reason as a sentence,
 * without the name, and the library's own words ("vipspng: libpng read error") apart, shown
 * smaller. The main process sends the failure in parts (QueueItem.failure, from ImageError's
 * reason and detail); the whole message, naming the file, stays for the tooltip.
 */
// From the preload's types directly (as api/index.ts re-exports them): this module is also
// type-checked with the Node-side tests, which have no DOM types for api/index.ts.
import type { FailureParts } from '../../../electron/preload/api.js';

export interface FailureText {
  /** The reason in plain words, as a sentence. */
  readonly reason: string;
  /** The low-level cause, when there is one. */
  readonly detail?: string;
}

export function failureText(message: string, parts?: FailureParts): FailureText {
  if (!parts) return { reason: sentence(message) };
  return { reason: sentence(parts.reason), ...(parts.detail ? { detail: parts.detail } : {}) };
}

/** The text as a sentence: a capital first letter and a full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'Failed.';
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
