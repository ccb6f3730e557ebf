import type { TileProgress } from '../core/infer/progress.js';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One redrawn line on a terminal: file i/n, a bar, percent and ETA. Silent when not a TTY. */
export class ProgressBar {
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(label: string, event: TileProgress): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && event.fraction < 1) return;
    this.lastDraw = now;
    const width = 24;
    const filled = Math.round(event.fraction * width);
    const eta = event.etaMs === undefined ? '' : ` ETA ${duration(event.etaMs)}`;
    const stage = event.stage === 'alpha' ? ' (alpha)' : '';
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(event.fraction * 100)}%${stage}${eta}`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 100) - 1)}\x1b[K`);
  }

  clear(): void {
    if (this.enabled) this.stream.write('\r\x1b[K');
  }
}
