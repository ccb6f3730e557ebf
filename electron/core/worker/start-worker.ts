/**
 * Starting one of our worker threads, from source or built: the packaged app has the built `.js`
 * next to the module that starts it; from source (tests, the CLI, the HTTP test server) the entry
 * is TypeScript, and Node 20 does not apply `--import tsx` to a worker's entry file, so a tiny
 * eval'd bootstrap registers tsx first and then imports it.
 */
import { Worker } from 'node:worker_threads';

/**
 * `callerUrl` is the starting module's `import.meta.url`; `entry` the worker's file name without
 * extension, beside that module (the build puts each worker entry next to the bundle).
 */
export function startWorker(callerUrl: string, entry: string): Worker {
  if (callerUrl.endsWith('.ts')) {
    const source = JSON.stringify(new URL(`./${entry}.ts`, callerUrl).href);
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); })`;
    return new Worker(bootstrap, { eval: true });
  }
  return new Worker(builtWorkerUrl(callerUrl, entry));
}

/**
 * The built worker's file. In the packaged app the caller sits inside `app.asar`; whether Electron
 * loads an ESM worker thread (and the packages it imports) from inside an asar archive is not
 * established, so the package unpacks dist/main and every package the workers import
 * (build/electron-builder.json asarUnpack) and the worker starts from `app.asar.unpacked`: plain
 * files, loaded as plain Node loads them (tests/unit/build/packaged-app.test.ts runs it so).
 */
export function builtWorkerUrl(callerUrl: string, entry: string): URL {
  const url = new URL(`./${entry}.js`, callerUrl);
  url.pathname = url.pathname.replace(/\/app\.asar\//, '/app.asar.unpacked/');
  return url;
}
