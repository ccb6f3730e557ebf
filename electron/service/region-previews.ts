/**
 * Region previews for the app service: the worker renders each into a PNG in the cache folder,
 * only the newest request is worth finishing (the renderer shows nothing else), and only the last
 * few files are kept, since the renderer may still be showing one of them.
 */
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorText } from '../core/image/image-errors.js';
import { isAbortError } from '../core/infer/progress.js';
import type { PreviewRequest, PreviewResult } from '../ipc/payloads.js';
import type { SizeSpec } from '../shared/size-spec.js';
import type { ImageStore } from './image-store.js';
import type { InferenceBridge } from './inference-bridge.js';
import { ServiceError } from './service-error.js';
import type { EngineConfig } from './worker-protocol.js';

/** Enough for the quick look and the full preview on screen while newer ones render. */
const PREVIEWS_KEPT = 6;

/** The queue item a preview is of. */
export interface PreviewSubject {
  readonly id: string;
  /** For messages. */
  readonly name: string;
  readonly input: string;
  readonly size: SizeSpec;
}

export class RegionPreviews {
  private running: AbortController | undefined;
  private readonly files: string[] = [];
  private nextFile = 1;

  constructor(
    private readonly bridge: InferenceBridge,
    private readonly images: ImageStore,
    /** The cache folder the PNGs go to. */
    private readonly dir: string,
    /** Called when the GPU failed during a preview and the worker moved to the CPU. */
    private readonly onProviderFallback: () => void = () => undefined,
  ) {}

  async render(
    subject: PreviewSubject,
    request: PreviewRequest,
    config: EngineConfig,
  ): Promise<PreviewResult> {
    // A newer preview replaces an older one still running.
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    await mkdir(this.dir, { recursive: true });
    const out = join(this.dir, `${subject.id}-${Date.now().toString(36)}-${this.nextFile++}.png`);
    const started = performance.now();
    const coarse = request.coarse ?? 1;
    try {
      const outcome = await this.bridge.call(
        'preview',
        { config, input: subject.input, size: subject.size, region: request.region, coarse, out },
        { signal: controller.signal },
      );
      this.remember(out);
      if (outcome.providerFallback) this.onProviderFallback();
      return {
        image: this.images.ref(outcome.path),
        region: outcome.region,
        target: outcome.target,
        usedModel: outcome.usedModel,
        fastDecoder: outcome.fastDecoder,
        ms: Math.round(performance.now() - started),
        coarse,
      };
    } catch (error) {
      if (isAbortError(error)) throw new ServiceError('a newer preview replaced this one');
      throw new ServiceError(`${subject.name}: the preview failed: ${errorText(error)}`);
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  /** Stops the preview being rendered, if any (closing the app). */
  abort(): void {
    this.running?.abort();
  }

  private remember(path: string): void {
    this.files.push(path);
    while (this.files.length > PREVIEWS_KEPT) {
      const old = this.files.shift()!;
      this.images.forget(old);
      void unlink(old).catch(() => undefined);
    }
  }
}
