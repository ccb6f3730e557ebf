/**
 * electron/ipc mirrors a few core unions so the renderer's types never pull in Node modules.
 * This file fails to compile when a mirror drifts from its core original.
 */

import type { ConflictPolicy, FailureParts, OutputFormat, ProviderChoice } from '../../ipc/payloads.js';
import type { ConflictPolicy as CoreConflict } from '../image/atomic-file.js';
import type { FailureParts as CoreFailure } from '../image/image-errors.js';
import type { OutputFormat as CoreFormat } from '../image/output-name.js';
import type { ProviderChoice as CoreProvider } from '../infer/onnx-runtime.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const MIRRORS_MATCH: [
  Same<OutputFormat, CoreFormat>,
  Same<ConflictPolicy, CoreConflict>,
  Same<ProviderChoice, CoreProvider>,
  Same<FailureParts, CoreFailure>,
] = [true, true, true, true];
