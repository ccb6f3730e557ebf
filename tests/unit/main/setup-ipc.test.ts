/**
 * The main-side IPC wrapper, with Electron replaced by a stub: only allowlisted channels get
 * handlers, calls from anything but our window's main frame on our page are refused, payloads are
 * validated, and dropped paths become chosen paths only after validation.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Channel, SERVICE_CHANNELS } from '../../../electron/shared/channels.js';

type Handler = (event: unknown, payload: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
  },
}));

const { setupIpc } = await import('../../../electron/main/setup-ipc.js');

function fakeService() {
  const chosen: string[] = [];
  return {
    chosen: { add: (p: string) => chosen.push(p), covers: () => false },
    chosenList: chosen,
    on: () => () => {},
    addPaths: vi.fn(async () => ({ added: 1, rejected: [] })),
    addUserPaths: vi.fn(async () => ({ added: 1, rejected: [] })),
    start: vi.fn(() => ({ items: [], running: true, pausing: false, overall: {} })),
    cancel: vi.fn(),
  };
}

const window = {
  isDestroyed: () => false,
  webContents: { id: 7, send: vi.fn() },
  on: vi.fn(),
};

const event = (over: { id?: number; url?: string; parent?: unknown } = {}) => ({
  sender: { id: over.id ?? 7 },
  senderFrame: { url: over.url ?? 'app://renderer/index.html', parent: over.parent ?? null },
});

describe('setupIpc', () => {
  let service: ReturnType<typeof fakeService>;
  beforeEach(() => {
    handlers.clear();
    service = fakeService();
    setupIpc(service as never, window as never);
  });

  it('registers exactly the service channels', () => {
    expect([...handlers.keys()].sort()).toEqual([...SERVICE_CHANNELS].sort());
  });

  it('refuses other senders, other pages and subframes', async () => {
    const start = handlers.get(Channel.Start)!;
    for (const bad of [event({ id: 8 }), event({ url: 'https://evil.example/' }), event({ parent: {} })])
      expect(await start(bad, undefined)).toEqual({ ok: false, error: 'refused: unknown sender' });
    expect(service.start).not.toHaveBeenCalled();
    expect(await start(event(), undefined)).toMatchObject({ ok: true });
  });

  it('validates payloads before any handler runs', async () => {
    const cancel = handlers.get(Channel.Cancel)!;
    expect(await cancel(event(), { id: '../../etc' })).toEqual({
      ok: false,
      error: 'invalid request: id is not valid',
    });
    expect(service.cancel).not.toHaveBeenCalled();
  });

  it('hands dropped paths to the service, which decides what becomes chosen; nothing from an invalid payload', async () => {
    const add = handlers.get(Channel.AddPaths)!;
    expect(await add(event(), { paths: ['/photos/a.jpg', 'relative.jpg'], recursive: false })).toMatchObject({
      ok: false,
    });
    expect(service.addUserPaths).not.toHaveBeenCalled();
    expect(await add(event(), { paths: ['/photos/a.jpg'], recursive: true })).toMatchObject({ ok: true });
    // The wrapper marks nothing itself (it used to mark every path before the service looked).
    expect(service.chosenList).toEqual([]);
    expect(service.addUserPaths).toHaveBeenCalledWith({ paths: ['/photos/a.jpg'], recursive: true });
    expect(service.addPaths).not.toHaveBeenCalled();
  });
});
