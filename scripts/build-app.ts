/**
 * Builds the whole app with Vite: the renderer (renderer/vite.config.ts), the main process and the
 * inference worker (ESM, dist/main), and the sandboxed preload (CommonJS, dist/preload).
 * Runtime dependencies stay in node_modules (electron-builder packs them; native ones unpacked).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, type InlineConfig } from 'vite';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

const external = [
  'electron',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
].map((name) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/.*)?$`));

function nodeBuild(
  outDir: string,
  input: Record<string, string>,
  format: 'es' | 'cjs',
  entryFileNames: string,
): InlineConfig {
  return {
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    build: {
      ssr: true,
      outDir: join(ROOT, outDir),
      emptyOutDir: true,
      target: 'node22',
      minify: false,
      sourcemap: true,
      rollupOptions: {
        input,
        external,
        output: { format, entryFileNames, chunkFileNames: '[name]-[hash].js' },
      },
    },
  };
}

export async function buildApp(): Promise<void> {
  await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  await build(
    nodeBuild(
      'dist/main',
      {
        index: join(ROOT, 'electron/main/index.ts'),
        // Next to index.js: the bridge starts it from `./inference-worker.js`.
        'inference-worker': join(ROOT, 'electron/service/inference-worker.ts'),
        // Likewise: finetune-bridge starts `./finetune-worker.js`.
        'finetune-worker': join(ROOT, 'electron/core/finetune/finetune-worker.ts'),
        // And the training data sampler (train/data/sampler.ts) starts `./sampler-worker.js`:
        // without it every fine-tune failed at once in the built app ("Cannot find module").
        'sampler-worker': join(ROOT, 'electron/core/train/data/sampler-worker.ts'),
      },
      'es',
      '[name].js',
    ),
  );
  // Sandboxed preloads cannot be ES modules and can only require('electron').
  await build(
    nodeBuild('dist/preload', { index: join(ROOT, 'electron/preload/index.ts') }, 'cjs', '[name].cjs'),
  );
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  await buildApp();
  console.log('built dist/renderer, dist/main, dist/preload');
}
