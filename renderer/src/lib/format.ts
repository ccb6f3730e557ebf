/** Small display helpers: sizes, megapixels, durations. */
import type { PixelSize } from '../api/index.js';

export function pixels(size: PixelSize | undefined): string {
  return size ? `${size.width} × ${size.height}` : '?';
}

export function megapixels(size: PixelSize): string {
  const mp = (size.width * size.height) / 1e6;
  return `${mp < 10 ? mp.toFixed(2) : mp.toFixed(1)} MP`;
}

/** "about 12 s left", "about 3 min left". */
export function eta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `about ${s} s left`;
  const min = Math.round(s / 60);
  if (min < 60) return `about ${min} min left`;
  return `about ${Math.floor(min / 60)} h ${min % 60} min left`;
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export const STATE_LABEL = {
  queued: 'Queued',
  running: 'Upscaling',
  done: 'Done',
  skipped: 'Skipped (exists)',
  failed: 'Failed',
  cancelled: 'Cancelled',
} as const;
