/**
 * The API methods that are one channel each, built from CHANNEL_TABLE (channels.ts). They read the
 * same whether the request goes over Electron IPC (the preload) or over the HTTP test transport
 * (renderer/src/api/http-api.ts): each side passes its own `invoke` and adds its transport-specific
 * methods.
 */

import type { InvokeMap } from '../ipc/payloads.js';
import {
  CHANNEL_TABLE,
  type ChannelMethods,
  INVOKE_CHANNELS,
  type InvokeChannel,
  type NativeChannel,
  type Reply,
  type ServiceChannel,
} from './channels.js';

/** The request argument of a channel: none where it takes none, else required (a missing one does not compile). */
export type RequestArgs<C extends InvokeChannel> = InvokeMap[C]['request'] extends undefined
  ? []
  : [request: InvokeMap[C]['request']];

export type Invoke = <C extends InvokeChannel>(
  channel: C,
  ...request: RequestArgs<C>
) => Promise<InvokeMap[C]['result']>;

/** Reads a transport's reply: the value, or the plain-words error thrown. */
export function replyValue<C extends InvokeChannel>(reply: Reply): InvokeMap[C]['result'] {
  if (!reply.ok) throw new Error(reply.error);
  return reply.value as InvokeMap[C]['result'];
}

export type ServiceMethods = ChannelMethods<ServiceChannel>;
export type NativeMethods = ChannelMethods<NativeChannel>;

/** Each row's method of one side: its arguments made into the request, sent through `invoke`. */
function methodsOf(invoke: Invoke, side: 'service' | 'native'): Record<string, unknown> {
  const methods: Record<string, unknown> = {};
  for (const channel of INVOKE_CHANNELS) {
    const row = CHANNEL_TABLE[channel];
    if (row.side !== side || row.method === null) continue;
    const request = row.request as (...args: unknown[]) => unknown;
    const send = invoke as (channel: InvokeChannel, request?: unknown) => Promise<unknown>;
    methods[row.method] = (...args: unknown[]) => send(channel, request(...args));
  }
  return methods;
}

export function serviceMethods(invoke: Invoke): ServiceMethods {
  return methodsOf(invoke, 'service') as ServiceMethods;
}

/** Electron's dialogs and shell (the preload); the HTTP test transport has its own or none. */
export function nativeMethods(invoke: Invoke): NativeMethods {
  return methodsOf(invoke, 'native') as NativeMethods;
}
