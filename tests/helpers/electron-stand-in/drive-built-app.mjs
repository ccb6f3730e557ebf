/**
 * Starts the built main process (dist/main/index.js) and preload (dist/preload/index.cjs) in plain
 * Node against the Electron stand-in (electron.mjs), then plays window and user: loads the page
 * over app://, upscales one photo picked in the "open" dialog through the preload's API, checks
 * the security handlers, and quits. Prints one JSON report on stdout; tests/unit/build/
 * built-app.test.ts asserts on it. The process must end by itself after the quit: a worker left
 * running would keep it alive.
 *
 *   node tests/helpers/electron-stand-in/drive-built-app.mjs <photo.png>
 * (cwd: the repository root; STAND_IN_USER_DATA and LIIF_MODELS_DIR: empty folders)
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import sharp from 'sharp';

const standInUrl = new URL('./electron.mjs', import.meta.url).href;
register('./hooks.mjs', import.meta.url, { data: { standIn: standInUrl } });
/** @type {typeof import('./electron.mjs')} */
const electron = await import(standInUrl);
const { record, app } = electron;
const photo = process.argv[2];
const report = /** @type {Record<string, unknown>} */ ({});

await import(pathToFileURL(join(process.cwd(), 'dist/main/index.js')).href);
const window = await until(() => record.windows[0], 'the main window');
await until(() => window.visible || undefined, 'the window to show');
report.windowUrl = window.url;
report.webPreferences = window.options.webPreferences;
report.schemes = record.privilegedSchemes;
report.schemesRegisteredBeforeReady = record.schemesRegisteredBeforeReady;
report.channels = [...record.ipcHandlers.keys()].sort();
report.menuLabels = /** @type {{ template: Array<{ label?: string, role?: string }> }} */ (
  record.menu
).template.map((m) => m.label ?? m.role);

// The page, over app:// with the CSP; nothing outside dist/renderer.
const appProtocol = /** @type {(r: Request) => Promise<Response>} */ (record.protocolHandlers.get('app'));
const page = await appProtocol(new Request('app://renderer/index.html'));
report.page = {
  status: page.status,
  csp: page.headers.get('content-security-policy'),
  hasScript: (await page.text()).includes('<script'),
};
report.outsideRenderer = [
  (await appProtocol(new Request('app://renderer/%2e%2e/%2e%2e/package.json'))).status,
  (await appProtocol(new Request('app://other/index.html'))).status,
];

// The preload in a context like a sandboxed preload's: CommonJS, only `electron` to require.
const ourPage = {
  sender: window.webContents,
  senderFrame: { url: 'app://renderer/index.html', parent: null },
};
const invokeMain = async (/** @type {string} */ channel, /** @type {unknown} */ payload, event = ourPage) => {
  const handler = record.ipcHandlers.get(channel);
  if (!handler) throw new Error(`No handler registered for '${channel}'`);
  // IPC copies with the structured clone algorithm both ways; so does this.
  return structuredClone(await handler(event, structuredClone(payload)));
};
/** @type {Record<string, unknown>} */
const exposed = {};
const required = /** @type {string[]} */ ([]);
const preloadElectron = {
  contextBridge: {
    exposeInMainWorld: (/** @type {string} */ key, /** @type {unknown} */ api) => (exposed[key] = api),
  },
  ipcRenderer: {
    invoke: invokeMain,
    on: (/** @type {string} */ channel, /** @type {Function} */ listener) =>
      window.webContents.on(
        'stand-in:sent',
        (c, payload) => c === channel && listener({}, structuredClone(payload)),
      ),
    removeListener: () => {},
  },
  webUtils: { getPathForFile: (/** @type {{ path: string }} */ file) => file.path },
};
const preloadModule = { exports: {} };
vm.runInNewContext(await readFile('dist/preload/index.cjs', 'utf8'), {
  module: preloadModule,
  exports: preloadModule.exports,
  require: (/** @type {string} */ name) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require '${name}'`);
    return preloadElectron;
  },
  console,
});
report.preloadRequires = required;
report.exposed = Object.keys(exposed);
const liif = /** @type {Record<string, (...args: unknown[]) => Promise<any>>} */ (exposed.liif);
report.apiMethods = Object.keys(liif).sort();

// A user's session: pick a photo in the dialog, choose 2.5x, start, wait for the saved file.
/** @type {Array<{ kind: string, queue?: { items: Array<Record<string, any>> } }>} */
const events = [];
liif.onEvent((/** @type {any} */ e) => events.push(e));
// The renderer's first call on load: it starts the worker and opens the model.
const first = await liif.snapshot();
report.firstSnapshot = {
  queued: first.queue.items.length,
  models: first.models.map((/** @type {any} */ m) => m.name),
};
report.firstEngine = await pushed(
  'engine',
  (engine) => engine.state === 'ready' || engine.state === 'error',
  'the engine to open the default model',
);
record.nextDialogPaths = [photo];
report.added = await liif.openFiles();
await liif.updateSettings({ size: { mode: 'scale', scale: 2.5 } });
await liif.start();
const done = await finishedItem(0, 'the upscale to finish');
report.item = { state: done.state, error: done.error, target: done.target, output: done.output };
report.progressEvents = events.filter((e) => e.kind === 'progress').length;
const imageProtocol = /** @type {(r: Request) => Promise<Response>} */ (
  record.protocolHandlers.get('liif-image')
);
const thumbnail = await imageProtocol(
  new Request(`liif-image://image/${encodeURIComponent(done.thumbnail)}`),
);
report.thumbnail = { status: thumbnail.status, type: thumbnail.headers.get('content-type') };
report.unknownImage = (await imageProtocol(new Request('liif-image://image/not-an-id'))).status;

// Fine-tuning, in the built fine-tune worker: a folder chosen in the dialog, two steps.
const tunePhotos = await mkdtemp(join(tmpdir(), 'liif-stand-in-tune-'));
for (const [i, colour] of [
  [40, 90, 200],
  [220, 180, 40],
  [30, 160, 90],
].entries()) {
  const noise = await sharp({
    create: { width: 256, height: 256, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .blur(1.5)
    .png()
    .toBuffer();
  await sharp({
    create: {
      width: 256,
      height: 256,
      channels: 3,
      background: { r: colour[0], g: colour[1], b: colour[2] },
    },
  })
    .composite([{ input: noise, blend: 'overlay' }])
    .png()
    .toFile(join(tunePhotos, `tune-${i}.png`));
}
record.nextDialogPaths = [tunePhotos];
const folder = await liif.chooseFolder();
const scan = await liif.scanFolders({ folders: [folder], recursive: false });
report.finetuneScan = { usable: scan.usable.length, skipped: scan.skipped.length };
await liif.startFinetune({
  name: 'stand-in-tuned',
  folders: [folder],
  recursive: false,
  base: null,
  budget: { steps: 2 },
  mode: 'fast',
});
const finished = await pushed(
  'finetune',
  (update) => update.kind === 'done' || update.kind === 'error',
  'the fine-tune to finish',
  240_000,
);
report.finetune = {
  outcome: finished.kind,
  error: finished.message,
  steps: finished.result?.steps,
  name: finished.result?.name,
  stepEvents: events.filter((e) => e.kind === 'finetune' && /** @type {any} */ (e).update.kind === 'step')
    .length,
};
report.finetuneState = (await liif.finetuneOverview()).status.state;
// By the time 'done' arrives the model is listed; upscale the photo again with it.
const modelLists = events.filter((e) => e.kind === 'models').map((e) => /** @type {any} */ (e).models);
report.modelNames = (modelLists.at(-1) ?? []).map((/** @type {{ name: string }} */ m) => m.name);
await liif.updateSettings({ model: 'stand-in-tuned' });
await liif.clearFinished();
record.nextDialogPaths = [photo];
await liif.openFiles();
const before = events.length;
await liif.start();
const again = await finishedItem(before, 'the upscale with the tuned model to finish');
report.tunedUpscale = { state: again.state, error: again.error, output: again.output?.path };
report.engine = await pushed(
  'engine',
  (engine) => engine.state !== 'loading' && engine.model === 'stand-in-tuned',
  'the engine to report the tuned model',
);

// Calls from anything but our page are refused; navigation, new windows and permissions too.
const otherSender = { sender: { id: 999 }, senderFrame: { url: 'app://renderer/index.html', parent: null } };
const foreignFrame = {
  sender: window.webContents,
  senderFrame: { url: 'https://example.com/', parent: null },
};
report.refused = [
  await invokeMain('app:snapshot', undefined, /** @type {any} */ (otherSender)),
  await invokeMain('app:snapshot', undefined, /** @type {any} */ (foreignFrame)),
];
report.badPayload = await invokeMain('queue:set-override', { id: 42, override: 'all' });
const navigation = (/** @type {string} */ url) => {
  const event = { prevented: false, preventDefault: () => (event.prevented = true) };
  window.webContents.emit('will-navigate', event, url);
  return event.prevented;
};
report.navigationBlocked = {
  elsewhere: navigation('https://example.com/'),
  ownPage: navigation('app://renderer/index.html'),
};
report.windowOpen = window.webContents.windowOpenHandler?.({ url: 'https://example.com/' });
let granted = /** @type {boolean | undefined} */ (undefined);
record.permissionRequestHandler?.({}, 'media', (/** @type {boolean} */ allow) => (granted = allow));
report.permission = { requested: granted, checked: record.permissionCheckHandler?.({}, 'media') };

// Quit: the main process holds the quit until the service has closed, then quits for real.
const quit = new Promise((resolve) => app.once('quit', resolve));
app.quit();
const tooLong = sleep(30_000, { unref: true }).then(() =>
  Promise.reject(new Error('the app did not quit within 30 s')),
);
await Promise.race([quit, tooLong]);
report.quitCalls = record.quitCalls;
console.log(JSON.stringify(report));

/** The first queue item pushed as done or failed, in the events from index `from` on. */
function finishedItem(/** @type {number} */ from, /** @type {string} */ what) {
  return until(
    () =>
      events
        .slice(from)
        .flatMap((e) => e.queue?.items ?? [])
        .find((item) => item.state === 'done' || item.state === 'failed'),
    what,
    120_000,
  );
}

/**
 * The first pushed event of `kind` (its payload: `engine` for 'engine', `update` for 'finetune')
 * that `test` accepts, waiting for it.
 */
function pushed(
  /** @type {'engine' | 'finetune'} */ kind,
  /** @type {(payload: any) => boolean} */ test,
  /** @type {string} */ what,
  ms = 30_000,
) {
  const field = kind === 'engine' ? 'engine' : 'update';
  return until(
    () =>
      events
        .filter((e) => e.kind === kind)
        .map((e) => /** @type {any} */ (e)[field])
        .find(test),
    what,
    ms,
  );
}

/** Polls `probe` until it returns something, or fails after `ms`. */
async function until(/** @type {() => any} */ probe, /** @type {string} */ what, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
/** With `unref`, the timer does not keep the process alive (it must end by itself after the quit). */
function sleep(/** @type {number} */ ms, { unref = false } = {}) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}
