/**
 * The engine status the app shows (idle, loading, ready with provider and reason, error): the
 * worker opens the model in the background, and a settings change of model or provider reopens it.
 */

import { errorText } from '../core/image/image-errors.js';
import type { EngineStatus } from '../ipc/payloads.js';
import type { InferenceBridge } from './inference-bridge.js';
import type { EngineConfig } from './worker-protocol.js';

export class EngineStatusTracker {
  private status: EngineStatus = { state: 'idle' };
  /** The config of the latest load: an older load that finishes late must not overwrite it. */
  private key = '';

  constructor(
    private readonly bridge: InferenceBridge,
    private readonly changed: (status: EngineStatus) => void,
  ) {}

  get current(): EngineStatus {
    return this.status;
  }

  /** Opens the model once, the first time it is wanted (starting the worker takes a while). */
  start(config: EngineConfig): void {
    if (this.status.state === 'idle') this.load(config);
  }

  /**
   * Asks the worker again for the same config: after a GPU failed mid-job the worker runs that
   * config on the CPU, and the status bar must say so and why.
   */
  refresh(config: EngineConfig): void {
    this.load(config);
  }

  /** Reopens the model when its config changed, once it has been started. */
  follow(config: EngineConfig): void {
    if (this.status.state !== 'idle' && JSON.stringify(config) !== this.key) this.load(config);
  }

  private load(config: EngineConfig): void {
    const key = JSON.stringify(config);
    this.key = key;
    this.set({ state: 'loading' });
    this.bridge.call('engine', config).then(
      (info) => {
        if (this.key === key) this.set({ state: 'ready', ...info });
      },
      (error: unknown) => {
        if (this.key === key) this.set({ state: 'error', error: errorText(error) });
      },
    );
  }

  private set(status: EngineStatus): void {
    this.status = status;
    this.changed(status);
  }
}
