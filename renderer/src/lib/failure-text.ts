/**
 * A failed photo's error as the queue shows it. The engine's messages are written for a log or a
 * terminal, "broken.png: the file is truncated or damaged (...): vipspng: libpng read error": the
 * file's name first, then the plain reason, then the library's own words. Beside the file's name
 * in the queue the name is repeated noise and the library's words mean nothing to most users, so
 * the row shows the reason as a sentence and keeps the rest as a detail (shown smaller, and whole
 * in the tooltip). The parts are read back from the text because that is all that reaches the
 * queue: a failure crosses the inference worker's boundary as a message string (worker-protocol.ts),
 * so ImageError's reason and detail are gone by then; carrying them as fields would be the deeper fix.
 */
export interface FailureText {
  /** The reason in plain words, as a sentence. */
  readonly reason: string;
  /** The low-level cause, when the message had one. */
  readonly detail?: string;
}

export function failureText(name: string, message: string): FailureText {
  const prefix = `${name}: `;
  // Only the engine's per-file messages (image-errors.ts) have the name, reason, detail shape.
  if (!message.startsWith(prefix)) return { reason: sentence(message) };
  const unnamed = message.slice(prefix.length);
  const split = unnamed.indexOf(': ');
  const reason = split > 0 ? unnamed.slice(0, split) : unnamed;
  const detail = split > 0 ? unnamed.slice(split + 2).trim() : '';
  return { reason: sentence(reason), ...(detail ? { detail } : {}) };
}

/** The text as a sentence: a capital first letter and a full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'Failed.';
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
