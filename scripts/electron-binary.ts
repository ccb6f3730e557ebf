/**
 * Where the Electron binary is, found the way `require('electron')` finds it but without calling
 * it: in Electron 45 that require downloads the binary when it is missing, which must never
 * happen by surprise (tests, machines without internet).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ElectronBinary =
  | { readonly path: string; readonly why?: undefined }
  | { readonly path?: undefined; readonly why: string };

export function findElectronBinary(root: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json')))
    return { why: 'the electron package is not installed (run `npm install`)' };
  const pathFile = join(pkg, 'path.txt');
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!existsSync(pathFile) && !override)
    return {
      why: 'the Electron binary has not been downloaded yet (node_modules/electron/path.txt is missing)',
    };
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const path = override ? join(override, name) : join(pkg, 'dist', name);
  return existsSync(path) ? { path } : { why: `the Electron binary is missing at ${path}` };
}
