/**
 * Every channel that takes a model or run name, fed names that would leave the models folder,
 * through the same dispatch() the IPC handlers use. Before the one name rule, `finetune:cancel`
 * with { name: '..' } deleted the whole user models folder and '../../victim' a folder beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardRun } from '../../../electron/core/finetune/finetune-run.js';
import { PayloadError } from '../../../electron/ipc/validate.js';
import { dispatch } from '../../../electron/service/handlers.js';
import { Channel, type ServiceChannel } from '../../../electron/shared/channels.js';
import { HOSTILE_NAMES } from '../../helpers/hostile-names.js';
import { securityFixture } from './security-fixture.js';

let f: Awaited<ReturnType<typeof securityFixture>>;
let before: string[];
beforeAll(async () => {
  f = await securityFixture();
  before = await f.listing();
});
afterAll(() => f.cleanup());

/** Absolute paths join the list here: they depend on the test's own folders. */
const names = () => [...HOSTILE_NAMES, f.root, `${f.root}/victim`, `${f.userModels}/mine`, '../../../victim'];

/** Each channel's payload with the name in every place a name goes. */
const payloads: Array<[ServiceChannel, (name: string) => unknown]> = [
  [Channel.FinetuneCancel, (name) => ({ name })],
  [Channel.FinetuneResume, (name) => ({ name })],
  [Channel.ModelDelete, (name) => ({ name })],
  [Channel.ModelRename, (name) => ({ name, to: 'fine' })],
  [Channel.ModelRename, (name) => ({ name: 'mine', to: name })],
  [Channel.ModelExport, (name) => ({ name, folder: '/tmp' })],
  [Channel.UpdateSettings, (model) => ({ model })],
  [
    Channel.FinetuneStart,
    (name) => ({ name, folders: ['/tmp'], recursive: false, base: null, budget: { steps: 1 }, mode: 'fast' }),
  ],
  [
    Channel.FinetuneStart,
    (base) => ({ name: 'ok', folders: ['/tmp'], recursive: false, base, budget: { steps: 1 }, mode: 'fast' }),
  ],
];

describe('channels that take a name refuse names that are not plain folder names', () => {
  it('refuses each hostile name on each channel as an invalid request, and nothing changes on disk', async () => {
    let probes = 0;
    for (const [channel, payload] of payloads)
      for (const name of names()) {
        probes++;
        await expect(
          dispatch(f.handlers, channel, payload(name)),
          `${channel} ${JSON.stringify(name)}`,
        ).rejects.toThrow(PayloadError);
      }
    expect(probes).toBe(payloads.length * names().length);
    expect(await f.listing()).toEqual(before);
  });

  it('a handler reached without the validator still refuses (defence in depth)', async () => {
    for (const name of ['..', '../../victim', '.', f.root])
      await expect(f.handlers[Channel.FinetuneCancel]({ name }), name).rejects.toThrow(/not a usable/);
    for (const name of ['..', '../victim', f.root]) {
      await expect(discardRun(f.userModels, name)).rejects.toThrow(/not a usable fine-tuning run name/);
      await expect(f.handlers[Channel.ModelDelete]({ name })).rejects.toThrow(/not a usable model name/);
    }
    expect(await f.listing()).toEqual(before);
  });

  it('a plain name still works: cancelling the interrupted run removes only its folder', async () => {
    await dispatch(f.handlers, Channel.FinetuneCancel, { name: 'paused-run' });
    const after = await f.listing();
    expect(before.filter((line) => !after.includes(line)).map((l) => l.split(' ')[0])).toEqual([
      'user/models/.finetune',
      'user/models/.finetune/paused-run',
      'user/models/.finetune/paused-run/checkpoint.safetensors',
    ]);
    expect(after.filter((line) => !before.includes(line))).toEqual([]);
  });
});
