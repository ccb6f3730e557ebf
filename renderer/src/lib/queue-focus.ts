/**
 * Keyboard focus in the queue. The list is one Tab stop (a roving tab stop): only the active row's
 * controls are in the Tab order, and the arrow keys, Home and End move between rows. When the
 * control that had focus leaves the page (its row removed, "Clear finished" emptied, the empty
 * window's "Add photos" replaced by the queue), focus moves to the nearest row instead of falling
 * back to the page, so a keyboard user goes on from where they were.
 */
interface Row {
  readonly id: string;
}

/** The row that holds the list's Tab stop: the one asked for while it exists, else the selected, else the first. */
export function activeRow(items: readonly Row[], wanted?: string, selected?: string): string | undefined {
  for (const id of [wanted, selected]) if (id && items.some((i) => i.id === id)) return id;
  return items[0]?.id;
}

/** The row a key moves to from `from`, or undefined for keys the list does not handle. */
export function rowAfterKey(
  items: readonly Row[],
  from: string | undefined,
  key: string,
): string | undefined {
  if (items.length === 0) return undefined;
  const at = Math.max(
    0,
    items.findIndex((i) => i.id === from),
  );
  const index: Record<string, number> = {
    ArrowDown: Math.min(items.length - 1, at + 1),
    ArrowUp: Math.max(0, at - 1),
    Home: 0,
    End: items.length - 1,
  };
  return key in index ? items[index[key]].id : undefined;
}

/** The row focus goes to when `removed` leaves the list: the next one, else the previous. */
export function neighbourOf(items: readonly Row[], removed: string): string | undefined {
  const at = items.findIndex((i) => i.id === removed);
  if (at < 0) return undefined;
  return (items[at + 1] ?? items[at - 1])?.id;
}
