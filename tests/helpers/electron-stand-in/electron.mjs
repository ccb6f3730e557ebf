/**
 * A recording stand-in for the parts of Electron's API that our main process and preload use, for
 * checking the built bundles (dist/main, dist/preload) where Electron's binary cannot run: it
 * loads them in plain Node and lets a driver (drive-built-app.mjs) play the window and the user.
 * It does not pretend to be Electron: there is no browser, no real IPC and no native dialog, only
 * records of what the main process asked for and a way to call the handlers it registered.
 */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the main process did, for the driver to check. */
export const record = {
  ready: false,
  privilegedSchemes: /** @type {unknown[]} */ ([]),
  schemesRegisteredBeforeReady: false,
  windows: /** @type {BrowserWindow[]} */ ([]),
  ipcHandlers: /** @type {Map<string, Function>} */ (new Map()),
  protocolHandlers: /** @type {Map<string, (request: Request) => Promise<Response>>} */ (new Map()),
  menu: /** @type {unknown} */ (undefined),
  permissionRequestHandler: /** @type {Function | undefined} */ (undefined),
  permissionCheckHandler: /** @type {Function | undefined} */ (undefined),
  quitCalls: 0,
  shown: /** @type {string[]} */ ([]),
  /** Paths the next open dialog returns (the driver sets them). */
  nextDialogPaths: /** @type {string[]} */ ([]),
};

class AppStandIn extends EventEmitter {
  isPackaged = false;
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    record.ready = true;
    return Promise.resolve();
  }
  /** @param {string} name */
  getPath(name) {
    if (name !== 'userData') throw new Error(`stand-in: getPath(${name}) is not expected`);
    return /** @type {string} */ (process.env.STAND_IN_USER_DATA);
  }
  getAppPath() {
    return process.cwd();
  }
  quit() {
    record.quitCalls++;
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    this.emit('will-quit', event);
    if (!event.defaultPrevented) this.emit('quit');
  }
}
export const app = new AppStandIn();

let nextContentsId = 1;
class WebContentsStandIn extends EventEmitter {
  id = nextContentsId++;
  /** @type {Array<[string, unknown]>} */
  sent = [];
  /** @type {Function | undefined} */
  windowOpenHandler;
  /** @param {string} channel @param {unknown} payload */
  send(channel, payload) {
    this.sent.push([channel, payload]);
    this.emit('stand-in:sent', channel, payload);
  }
  /** @param {Function} handler */
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  /** @param {Record<string, unknown>} options */
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContentsStandIn();
    /** @type {string | undefined} */
    this.url = undefined;
    this.visible = false;
    record.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows() {
    return record.windows.filter((w) => !w.destroyed);
  }
  destroyed = false;
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  show() {
    this.visible = true;
  }
  /** @param {string} url */
  loadURL(url) {
    this.url = url;
    queueMicrotask(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
}

export const ipcMain = {
  /** @param {string} channel @param {Function} handler */
  handle(channel, handler) {
    if (record.ipcHandlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    record.ipcHandlers.set(channel, handler);
  },
  /** @param {string} channel */
  removeHandler(channel) {
    record.ipcHandlers.delete(channel);
  },
};

export const protocol = {
  /** @param {unknown[]} schemes */
  registerSchemesAsPrivileged(schemes) {
    record.privilegedSchemes.push(...schemes);
    record.schemesRegisteredBeforeReady = !record.ready;
  },
  /** @param {string} scheme @param {(request: Request) => Promise<Response>} handler */
  handle(scheme, handler) {
    record.protocolHandlers.set(scheme, handler);
  },
};

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
export const net = {
  /** Electron's net.fetch reads file: URLs; Node's fetch does not, so this reads the file. */
  async fetch(/** @type {string} */ url) {
    const data = await readFile(fileURLToPath(url));
    const type = MIME[/** @type {keyof typeof MIME} */ (extname(url))] ?? 'application/octet-stream';
    return new Response(data, { headers: { 'Content-Type': type } });
  },
};

export const session = {
  defaultSession: {
    /** @param {Function} handler */
    setPermissionRequestHandler(handler) {
      record.permissionRequestHandler = handler;
    },
    /** @param {Function} handler */
    setPermissionCheckHandler(handler) {
      record.permissionCheckHandler = handler;
    },
  },
};

export const Menu = {
  /** @param {unknown} template */
  buildFromTemplate: (template) => ({ template }),
  /** @param {unknown} menu */
  setApplicationMenu(menu) {
    record.menu = menu;
  },
};

export const dialog = {
  async showOpenDialog() {
    const filePaths = record.nextDialogPaths;
    record.nextDialogPaths = [];
    return { canceled: filePaths.length === 0, filePaths };
  },
};

export const shell = {
  /** @param {string} path */
  showItemInFolder(path) {
    record.shown.push(path);
  },
};

export const nativeTheme = { shouldUseDarkColors: false };

export default { app, BrowserWindow, ipcMain, protocol, net, session, Menu, dialog, shell, nativeTheme };
