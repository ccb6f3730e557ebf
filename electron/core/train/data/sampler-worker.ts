/**
 * Worker-thread side of the sampler (sampler.ts): runs the local sampler and answers its messages
 * one at a time, in order, so a restore is never overtaken by a batch being built.
 */
import { parentPort } from 'node:worker_threads';
import { createLocalSampler } from './local-sampler.js';
import type { Sampler, SamplerReply, SamplerRequest } from './sampler.js';

const port = parentPort;
if (!port) throw new Error('sampler-worker.ts must run in a worker thread');

const reply = (msg: SamplerReply, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
const text = (error: unknown) => (error instanceof Error ? error.message : String(error));

let sampler: Sampler | undefined;
let chain: Promise<void> = Promise.resolve();

async function handle(msg: SamplerRequest): Promise<void> {
  if (msg.kind === 'init') {
    try {
      sampler = await createLocalSampler({
        ...msg.options,
        onEvent: (event) => reply({ kind: 'event', event }),
      });
      reply({ kind: 'ready', report: sampler.report() });
    } catch (error) {
      reply({ kind: 'error', message: text(error) });
    }
    return;
  }
  if (!sampler) throw new Error('the sampler worker got a call before init');
  if (msg.kind === 'restore') {
    sampler.restore(msg.state);
    return;
  }
  try {
    const batch = await sampler.next();
    const buffers = [batch.lr, batch.coord, batch.cell, batch.gt, batch.hrSizes].map(
      (a) => a.buffer as ArrayBuffer,
    );
    reply({ kind: 'batch', id: msg.id, batch, report: sampler.report() }, buffers);
  } catch (error) {
    reply({ kind: 'error', id: msg.id, message: text(error) });
  }
}

port.on('message', (msg: SamplerRequest) => {
  chain = chain.then(() => handle(msg));
});
