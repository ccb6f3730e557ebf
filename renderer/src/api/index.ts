/**
 * The renderer's API: the preload's `window.liif` inside Electron, or the HTTP transport when the
 * page runs in a plain browser against the test server.
 */
import type { LiifApi } from '../../../electron/preload/api.js';
import { createHttpApi } from './http-api.js';

declare global {
  interface Window {
    /** Set by electron/preload; absent in a plain browser. */
    readonly liif?: LiifApi;
  }
}

export function createApi(): LiifApi {
  return window.liif ?? createHttpApi();
}

export type * from '../../../electron/preload/api.js';
