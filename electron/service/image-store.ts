/**
 * Images the renderer may display, by opaque id: sources the user chose, their thumbnails, outputs
 * the app wrote and region previews. The custom protocol (Electron) and the test server (HTTP)
 * serve only ids from here, never a path from the renderer.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import type { ImageRef } from '../ipc/payloads.js';

/** Formats every Chromium shows; anything else (TIFF, HEIC...) is converted to PNG for display. */
const WEB_MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.jpe': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
};

export interface ServedImage {
  readonly data: Buffer;
  readonly mime: string;
}

export class ImageStore {
  private readonly byId = new Map<ImageRef, string>();
  private readonly byPath = new Map<string, ImageRef>();

  /** The id for a file (the same id for the same path). */
  ref(path: string): ImageRef {
    let id = this.byPath.get(path);
    if (!id) {
      id = randomUUID();
      this.byPath.set(path, id);
      this.byId.set(id, path);
    }
    return id;
  }

  forget(path: string): void {
    const id = this.byPath.get(path);
    if (id) this.byId.delete(id);
    this.byPath.delete(path);
  }

  path(id: string): string | undefined {
    return this.byId.get(id);
  }

  /** The bytes to show for an id, or undefined for an unknown id or an unreadable file. */
  async open(id: string): Promise<ServedImage | undefined> {
    const path = this.byId.get(id);
    if (!path) return undefined;
    try {
      const mime = WEB_MIME[extname(path).toLowerCase()];
      if (mime) return { data: await readFile(path), mime };
      const data = await sharp(path, { failOn: 'none' }).rotate().png({ compressionLevel: 1 }).toBuffer();
      return { data, mime: 'image/png' };
    } catch {
      return undefined;
    }
  }
}
