/**
 * Decoded training images kept in memory, least recently used first out, bounded by bytes.
 * Pixels stay integers as decoded (3 bytes per RGB pixel at 8 bit): a quarter of float32, so the
 * default 1.5 GB holds about 500 megapixels. Decoding runs in sharp's thread pool (libuv), off the
 * JavaScript thread, so a prefetch can decode while the optimiser's ONNX Runtime call is running.
 */
import type { PixelBuffer } from '../../image/pixel-buffer.js';
import { type ReadOptions, readImage } from '../../image/read-image.js';

export const DEFAULT_CACHE_BYTES = 1.5e9;

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  readonly entries: number;
  readonly bytes: number;
  /** Total milliseconds spent decoding (summed over concurrent decodes). */
  readonly decodeMs: number;
}

type Decoded = Pick<PixelBuffer, 'width' | 'height' | 'channels' | 'bitDepth' | 'data'>;

export class ImageCache {
  private readonly entries = new Map<string, Decoded>();
  private readonly pending = new Map<string, Promise<Decoded>>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private decodeMs = 0;

  constructor(
    readonly maxBytes = DEFAULT_CACHE_BYTES,
    private readonly readOptions: ReadOptions = {},
    private readonly decode: (path: string, opts: ReadOptions) => Promise<Decoded> = readImage,
  ) {}

  /** The decoded image (from memory when cached); rejects with the decoder's ImageError. */
  get(path: string): Promise<Decoded> {
    const hit = this.entries.get(path);
    if (hit) {
      this.hits++;
      // Map iteration order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(path);
      this.entries.set(path, hit);
      return Promise.resolve(hit);
    }
    const inFlight = this.pending.get(path);
    if (inFlight) {
      this.hits++;
      return inFlight;
    }
    this.misses++;
    const started = performance.now();
    const job = this.decode(path, this.readOptions)
      .then((image) => {
        const { width, height, channels, bitDepth, data } = image;
        const kept: Decoded = { width, height, channels, bitDepth, data };
        this.insert(path, kept);
        return kept;
      })
      .finally(() => {
        this.decodeMs += performance.now() - started;
        this.pending.delete(path);
      });
    this.pending.set(path, job);
    return job;
  }

  private insert(path: string, image: Decoded): void {
    const size = image.data.byteLength;
    if (size > this.maxBytes) return;
    this.entries.set(path, image);
    this.bytes += size;
    for (const [key, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= old.data.byteLength;
      this.evictions++;
    }
  }

  stats(): CacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      entries: this.entries.size,
      bytes: this.bytes,
      decodeMs: this.decodeMs,
    };
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
