/** Messages between FinetuneBridge (main side) and finetune-worker.ts. */
import type { FinetuneEnv, FinetuneEvent, FinetuneRequest, FinetuneResult } from './finetune.js';
import type { FinetuneErrorCode } from './finetune-errors.js';
import type { FinetuneBudget } from './finetune-run.js';

export type FinetuneJob =
  | { readonly kind: 'start'; readonly request: FinetuneRequest; readonly env: FinetuneEnv }
  | {
      readonly kind: 'resume';
      readonly name: string;
      readonly env: FinetuneEnv;
      readonly budget?: FinetuneBudget;
    };

export type ToFinetuneWorker =
  | { readonly type: 'run'; readonly job: FinetuneJob }
  | { readonly type: 'pause' };

export type FromFinetuneWorker =
  | { readonly type: 'event'; readonly event: FinetuneEvent }
  | { readonly type: 'done'; readonly result: FinetuneResult }
  | { readonly type: 'error'; readonly message: string; readonly code?: FinetuneErrorCode };
