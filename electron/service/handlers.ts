/**
 * The service's answer to every service channel, and one `dispatch` that validates a raw payload
 * and calls the handler. Used by the Electron IPC wrapper and the HTTP test transport alike.
 */

import { errorText } from '../core/image/image-errors.js';
import type { RequestOf, ResultOf } from '../ipc/payloads.js';
import { PayloadError, parsers } from '../ipc/validate.js';
import { Channel, type ServiceChannel } from '../shared/channels.js';
import type { AppService } from './app-service.js';
import { ServiceError } from './service-error.js';

export type ServiceHandlers = {
  readonly [C in ServiceChannel]: (request: RequestOf<C>) => Promise<ResultOf<C>> | ResultOf<C>;
};

export function serviceHandlers(service: AppService): ServiceHandlers {
  return {
    // A window is showing: the engine is wanted now (and only then).
    [Channel.Snapshot]: () => {
      service.startEngine();
      return service.snapshot();
    },
    [Channel.AddPaths]: (request) => service.addPaths(request),
    [Channel.Start]: () => service.start(),
    [Channel.Pause]: () => service.pauseAfterCurrent(),
    [Channel.Cancel]: ({ id }) => service.cancel(id),
    [Channel.CancelAll]: () => service.cancelAll(),
    [Channel.RetryFailed]: () => service.retryFailed(),
    [Channel.Redo]: ({ id }) => service.redo(id),
    [Channel.Remove]: ({ id }) => service.remove(id),
    [Channel.ClearFinished]: () => service.clearFinished(),
    [Channel.SetOverride]: ({ id, override }) => service.setOverride(id, override),
    [Channel.UpdateSettings]: (patch) => service.updateSettings(patch),
    [Channel.Preview]: (request) => service.previewRegion(request),
    [Channel.FinetuneOverview]: () => service.finetune.overview(),
    [Channel.FinetuneScan]: (request) => service.finetune.scan(request),
    [Channel.FinetuneStart]: (request) => service.finetune.start(request),
    [Channel.FinetunePause]: () => service.finetune.pause(),
    [Channel.FinetuneResume]: (request) => service.finetune.resume(request),
    [Channel.FinetuneCancel]: (request) => service.finetune.cancel(request),
    [Channel.ModelRename]: async ({ name, to }) => {
      await service.library.renameModel(name, to);
      return service.modelList();
    },
    [Channel.ModelDelete]: async ({ name }) => {
      await service.library.deleteModel(name);
      return service.modelList();
    },
    [Channel.ModelExport]: ({ name, folder }) => service.library.exportModel(name, folder),
    [Channel.ModelImport]: async ({ folder }) => {
      await service.library.importModel(folder);
      return service.modelList();
    },
  };
}

/** Validates `payload` for `channel` and runs its handler. Throws PayloadError or ServiceError. */
export async function dispatch<C extends ServiceChannel>(
  handlers: ServiceHandlers,
  channel: C,
  payload: unknown,
): Promise<ResultOf<C>> {
  const request = parsers[channel](payload);
  const handler = handlers[channel] as (request: RequestOf<C>) => Promise<ResultOf<C>> | ResultOf<C>;
  return handler(request);
}

/** What the user reads when a call fails: our own refusals as they are, anything else prefixed. */
export function userMessage(error: unknown): string {
  if (error instanceof ServiceError) return error.message;
  if (error instanceof PayloadError) return `invalid request: ${error.message}`;
  return `something went wrong: ${errorText(error)}`;
}
