/** Helpers for the e2e tests: the server session, generated photos, drops, screenshots. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import type { AppSnapshot } from '../../../electron/ipc/payloads.js';

export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'artifacts');

export function server(): { url: string; token: string } {
  const url = process.env.LIIF_E2E_URL;
  const token = process.env.LIIF_E2E_TOKEN;
  if (!url || !token) throw new Error('the e2e server is not running (global setup)');
  return { url, token };
}

async function post(path: string, body?: unknown): Promise<unknown> {
  const { url, token } = server();
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'x-liif-token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? null),
  });
  const reply = (await response.json()) as { ok: boolean; value?: unknown; error?: string };
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

/** Empty queue, default settings. */
export async function resetServer(): Promise<void> {
  await post('/test/reset');
}

/** The folder the next folder dialog answers with (the test server stands in for the native one). */
export async function answerFolderDialog(folder: string): Promise<void> {
  await post('/test/dialog-answer', { folder });
}

export async function snapshot(): Promise<AppSnapshot> {
  return (await post('/api/app:snapshot')) as AppSnapshot;
}

export async function openApp(page: Page): Promise<void> {
  const { url, token } = server();
  await page.goto(`${url}/?token=${token}`);
  await page.getByTestId('engine-status').waitFor();
}

export interface Photo {
  readonly name: string;
  readonly bytes: Buffer;
}

/** A smooth, colourful PNG. */
export async function photo(name: string, width: number, height: number, seed = 1): Promise<Photo> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((x / Math.max(1, width - 1)) * 255);
      data[i + 1] = Math.round((y / Math.max(1, height - 1)) * 255);
      data[i + 2] = Math.round(128 + 127 * Math.sin((x + y * seed) / 9));
    }
  return {
    name,
    bytes: await sharp(data, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  };
}

/** A PNG cut in half: the header is fine, the pixel data ends early. */
export async function damagedPhoto(name: string): Promise<Photo> {
  const full = (await photo(name, 64, 64)).bytes;
  return { name, bytes: full.subarray(0, Math.floor(full.length / 2)) };
}

/** Drops files on the window the way a file manager does (a drop event with a DataTransfer). */
export async function dropPhotos(page: Page, photos: readonly Photo[]): Promise<void> {
  const files = photos.map((p) => ({ name: p.name, b64: p.bytes.toString('base64') }));
  const data = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], f.name, { type: 'image/png' }));
    }
    return transfer;
  }, files);
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: data });
  await page.dispatchEvent('main', 'dragover', { dataTransfer: data });
  await page.dispatchEvent('main', 'drop', { dataTransfer: data });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Sets the default size to a scale, the way a user types it. */
export async function setScale(page: Page, scale: number): Promise<void> {
  const picker = page.getByTestId('default-size-picker');
  await picker.getByRole('radio', { name: 'Scale' }).click();
  await picker.getByLabel('Scale ×').fill(String(scale));
  await picker.getByLabel('Scale ×').press('Enter');
}
