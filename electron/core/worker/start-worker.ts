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
  return new Worker(new URL(`./${entry}.js`, callerUrl));
}
