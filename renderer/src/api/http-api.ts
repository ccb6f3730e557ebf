/**
 * The renderer API over HTTP, for running the real renderer in a browser against the real
 * handlers (tests/e2e/server). Calls are POST /api/<channel> with the session token; events come
 * as server-sent events; dropped files have no paths in a browser, so their bytes are uploaded and
 * the server registers the saved copies as chosen files.
 */
import { Channel, type InvokeChannel, type Reply } from '../../../electron/shared/channels.js';
import {
  type Invoke,
  type RequestArgs,
  replyValue,
  serviceMethods,
} from '../../../electron/shared/service-methods.js';
import type { AddResult, AppEvent, LiifApi } from './index.js';

/** The token comes in the page URL (?token=...) and stays for reloads of this tab. */
function sessionToken(): string {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) sessionStorage.setItem('liif-token', fromUrl);
  return fromUrl ?? sessionStorage.getItem('liif-token') ?? '';
}

export function createHttpApi(token = sessionToken()): LiifApi {
  const headers = { 'content-type': 'application/json', 'x-liif-token': token };

  const invoke: Invoke = async <C extends InvokeChannel>(channel: C, ...request: RequestArgs<C>) => {
    const response = await fetch(`/api/${channel}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(request[0] ?? null),
    });
    return replyValue<C>((await response.json()) as Reply);
  };

  async function upload(file: File): Promise<string> {
    // webkitRelativePath keeps a folder's structure (folder inputs); drops pass plain names.
    const name =
      (file as File & { relativePath?: string }).relativePath || file.webkitRelativePath || file.name;
    const response = await fetch(`/upload?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'x-liif-token': token, 'content-type': 'application/octet-stream' },
      body: file,
    });
    const reply = (await response.json()) as Reply;
    if (!reply.ok) throw new Error(reply.error);
    return (reply.value as { path: string }).path;
  }

  const listeners = new Set<(event: AppEvent) => void>();
  let source: EventSource | undefined;
  function connect(): void {
    if (source) return;
    source = new EventSource(`/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (message) => {
      const event = JSON.parse(message.data as string) as AppEvent;
      for (const listener of listeners) listener(event);
    };
  }

  return {
    transport: 'http',
    ...serviceMethods(invoke),
    async addDroppedFiles(files, recursive): Promise<AddResult> {
      const paths: string[] = [];
      for (const file of files) paths.push(await upload(file));
      return invoke(Channel.AddPaths, { paths, recursive });
    },
    async chooseFolder() {
      // The test server stands in for the native dialog: it answers with a folder the test chose.
      const response = await fetch('/dialog/choose-folder', { method: 'POST', headers, body: 'null' });
      const reply = (await response.json()) as Reply;
      if (!reply.ok) throw new Error(reply.error);
      return reply.value as string | null;
    },
    imageUrl: (image) => `/image/${encodeURIComponent(image)}?token=${encodeURIComponent(token)}`,
    onEvent(listener) {
      listeners.add(listener);
      connect();
      return () => listeners.delete(listener);
    },
  };
}
