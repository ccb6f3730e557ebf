/**
 * The page side of the queue's keyboard focus (queue-focus.ts has the rules): moving focus to a
 * row, and telling when the focused element has left the page.
 */
import { tick } from 'svelte';

/** Focuses a row's select button once the page shows it; the toolbar's "Add photos" when there is none. */
export async function focusRow(id: string | undefined): Promise<void> {
  await tick();
  const row = id ? document.querySelector<HTMLElement>(`[data-row-id="${CSS.escape(id)}"] .select`) : null;
  (row ?? document.querySelector<HTMLElement>('[data-focus-home]'))?.focus();
}

/** True when focus has nowhere to be (it was on an element the page no longer has or enables). */
export function focusLost(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || (active as HTMLButtonElement).disabled === true;
}
