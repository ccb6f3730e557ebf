/**
 * `npm start`: builds everything, then launches Electron. When the Electron binary is missing it
 * tries the download once (Electron 45 downloads lazily) and, if that fails, says so plainly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildApp } from './build-app.js';
import { findElectronBinary } from './electron-binary.js';

const ROOT = join(import.meta.dirname, '..');

await buildApp();
let binary = findElectronBinary(ROOT);
if (!binary.path) {
  console.log(`Electron: ${binary.why}. Trying to download it now…`);
  const install = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron', 'install.js')], {
    stdio: 'inherit',
    timeout: 180_000,
  });
  binary = findElectronBinary(ROOT);
  if (!binary.path) {
    const reason = install.error ? install.error.message : `the download exited with code ${install.status}`;
    console.error(
      [
        '',
        'Cannot start the app: the Electron binary is not available.',
        `  why: ${binary.why}; ${reason}.`,
        '  fix: on a machine with internet access run `npx install-electron` (or delete node_modules/electron',
        '       and run `npm install`), or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron 45.',
        '  The app is built in dist/; the browser test transport (`npm run test:e2e`) needs no Electron.',
      ].join('\n'),
    );
    process.exit(1);
  }
}
const child = spawn(binary.path, [ROOT, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
