/**
 * App-wide security defaults: no navigation away from the app, no new windows, no webviews, no
 * permission grants (camera, notifications...). Window options live in main-window.ts.
 */
import { app, session } from 'electron';
import { APP_ORIGIN } from './content-policy.js';

export function setupSecurity(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      // Dropping a file would otherwise navigate to it; only our own page may load.
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
  });
}
