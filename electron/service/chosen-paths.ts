/**
 * The files and folders the user chose (dialogs, drops, uploads): the only places the app reads
 * from or writes to on the renderer's behalf. A path is allowed when it is a chosen path or lies
 * inside a chosen folder.
 */
import { resolve, sep } from 'node:path';

export class ChosenPaths {
  private readonly roots = new Set<string>();

  add(path: string): void {
    this.roots.add(resolve(path));
  }

  covers(path: string): boolean {
    const p = resolve(path);
    for (const root of this.roots) {
      if (p === root) return true;
      const prefix = root.endsWith(sep) ? root : root + sep;
      if (p.startsWith(prefix)) return true;
    }
    return false;
  }
}
