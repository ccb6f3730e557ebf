/** Fine-tuning on a user's own photos: the engine the CLI and the app share. */

export * from './finetune.js';
export * from './finetune-bridge.js';
export * from './finetune-errors.js';
export type * from './finetune-protocol.js';
export * from './finetune-run.js';
export * from './held-out-example.js';
export * from './held-out-photos.js';
export * from './scan.js';
