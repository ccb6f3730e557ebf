import { describe, expect, it } from 'vitest';
import { PayloadError, parsers, parseSettingsPatch } from '../../../electron/ipc/validate.js';
import { Channel, INVOKE_CHANNELS, SERVICE_CHANNELS } from '../../../electron/shared/channels.js';

describe('payload validation', () => {
  it('has a parser for every service channel, and every service channel is allowed', () => {
    expect(Object.keys(parsers).sort()).toEqual([...SERVICE_CHANNELS].sort());
    for (const c of SERVICE_CHANNELS) expect(INVOKE_CHANNELS).toContain(c);
  });

  it('accepts absolute paths only', () => {
    expect(parsers[Channel.AddPaths]({ paths: ['/a/b.png'], recursive: false }).paths).toEqual(['/a/b.png']);
    expect(() => parsers[Channel.AddPaths]({ paths: ['b.png'], recursive: false })).toThrow(PayloadError);
    expect(() => parsers[Channel.AddPaths]({ paths: ['/a\0b'], recursive: false })).toThrow(PayloadError);
    expect(() => parsers[Channel.AddPaths]({ paths: '/a', recursive: false })).toThrow(PayloadError);
  });

  it('checks every element of a list, holes included (structured clone keeps a sparse array)', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const sparse = [, '/a'];
    expect(() => parsers[Channel.AddPaths]({ paths: sparse, recursive: false })).toThrow(PayloadError);
    expect(() => parsers[Channel.FinetuneScan]({ folders: sparse, recursive: false })).toThrow(PayloadError);
  });

  it('accepts the three input choices and nothing else', () => {
    for (const input of ['auto', 'clean', 'compressed'] as const)
      expect(parseSettingsPatch({ input })).toEqual({ input });
    expect(() => parseSettingsPatch({ input: 'sometimes' })).toThrow(PayloadError);
  });

  it('checks numbers, ranges and enums', () => {
    expect(parseSettingsPatch({ size: { mode: 'scale', scale: 2.37 } })).toEqual({
      size: { mode: 'scale', scale: 2.37 },
    });
    expect(() => parseSettingsPatch({ size: { mode: 'scale', scale: Number.NaN } })).toThrow(PayloadError);
    expect(() => parseSettingsPatch({ size: { mode: 'width', width: 10.5 } })).toThrow(PayloadError);
    expect(() => parseSettingsPatch({ output: { quality: 101 } })).toThrow(PayloadError);
    expect(() => parseSettingsPatch({ output: { format: 'bmp' } })).toThrow(PayloadError);
    expect(() => parseSettingsPatch({ provider: 'tpu' })).toThrow(PayloadError);
    expect(() => parseSettingsPatch({ evil: true })).toThrow(PayloadError);
  });

  it('checks ids and preview regions', () => {
    expect(() => parsers[Channel.Cancel]({ id: '../x' })).toThrow(PayloadError);
    expect(() =>
      parsers[Channel.Preview]({ id: 'item-1', region: { x: 0, y: 0, width: 99999, height: 10 } }),
    ).toThrow(PayloadError);
    expect(() => parsers[Channel.Start]({ anything: 1 })).toThrow(PayloadError);
  });

  it('checks fine-tune requests: absolute folders, a budget, a known mode', () => {
    const good = {
      name: 'mine',
      folders: ['/photos'],
      recursive: true,
      base: null,
      budget: { steps: 10 },
      mode: 'fast',
    };
    expect(parsers[Channel.FinetuneStart](good)).toEqual(good);
    expect(() => parsers[Channel.FinetuneStart]({ ...good, folders: ['photos'] })).toThrow(PayloadError);
    expect(() => parsers[Channel.FinetuneStart]({ ...good, folders: [] })).toThrow(PayloadError);
    expect(() => parsers[Channel.FinetuneStart]({ ...good, budget: {} })).toThrow(PayloadError);
    expect(() => parsers[Channel.FinetuneStart]({ ...good, budget: { steps: 1.5 } })).toThrow(PayloadError);
    expect(() => parsers[Channel.FinetuneStart]({ ...good, mode: 'turbo' })).toThrow(PayloadError);
    expect(() => parsers[Channel.ModelExport]({ name: 'mine', folder: 'out' })).toThrow(PayloadError);
    expect(() => parsers[Channel.ModelRename]({ name: 'mine', to: '' })).toThrow(PayloadError);
  });
});
