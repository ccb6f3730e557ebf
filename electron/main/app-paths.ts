/** Where the built pieces and the models are, in development and in the packaged app. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { userModelsDir } from '../core/model/model-registry.js';

/** The built main process lives in dist/main; its siblings are dist/preload and dist/renderer. */
const here = import.meta.url;

export const PRELOAD_FILE = fileURLToPath(new URL('../preload/index.cjs', here));
export const RENDERER_DIR = fileURLToPath(new URL('../renderer/', here));

/** Shipped models (extraResources in the package, models/ in a checkout), then the user's own. */
export function modelRoots(): string[] {
  const shipped = app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'models');
  return [shipped, userModelsDir()];
}
