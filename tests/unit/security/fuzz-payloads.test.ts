/**
 * Every service channel fed generated hostile payloads through the real dispatch(), as a script in
 * a compromised renderer could send them: the whole payload replaced, each field replaced, removed
 * or joined by `__proto__`/unknown keys, with wrong types, huge strings and lists, NaN/Infinity,
 * structured-clone types IPC can carry (Date, Map, typed arrays, BigInt, RegExp) and path tricks.
 * What must hold: each probe answers or is refused as an invalid request (PayloadError) or a plain
 * refusal (ServiceError), never another error (which the IPC envelope would show as "something
 * went wrong"); nothing outside the service's own data folder changes; no prototype is polluted;
 * nothing is left rejecting in the background.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayloadError } from '../../../electron/ipc/validate.js';
import { dispatch } from '../../../electron/service/handlers.js';
import { ServiceError } from '../../../electron/service/service-error.js';
import { Channel, SERVICE_CHANNELS, type ServiceChannel } from '../../../electron/shared/channels.js';
import { HOSTILE_NAMES } from '../../helpers/hostile-names.js';
import { securityFixture } from './security-fixture.js';

let f: Awaited<ReturnType<typeof securityFixture>>;
beforeAll(async () => {
  f = await securityFixture();
});
afterAll(() => f.cleanup());

/**
 * A payload each channel accepts, chosen so that even accepted it changes nothing on disk: names
 * and ids that do not exist, folders without photos, settings only in the service's data folder.
 */
function validPayloads(root: string): Record<ServiceChannel, unknown> {
  const victim = `${root}/victim`;
  const size = { mode: 'box', width: 10, height: 12, lockAspect: true };
  return {
    [Channel.Snapshot]: undefined,
    [Channel.AddPaths]: { paths: [`${victim}/keep.txt`], recursive: false },
    [Channel.Start]: undefined,
    [Channel.Pause]: undefined,
    [Channel.Cancel]: { id: 'no-such-item' },
    [Channel.CancelAll]: undefined,
    [Channel.RetryFailed]: undefined,
    [Channel.Redo]: { id: 'no-such-item' },
    [Channel.Remove]: { id: 'no-such-item' },
    [Channel.ClearFinished]: undefined,
    [Channel.SetOverride]: { id: 'no-such-item', override: { size, format: 'png' } },
    [Channel.UpdateSettings]: {
      size: { mode: 'print', width: 10, height: 15, unit: 'cm', dpi: 300, lockAspect: false },
      output: {
        folder: null,
        template: '{name}_{scale}.{ext}',
        format: 'same',
        quality: 90,
        onConflict: 'rename',
        keepMetadata: true,
      },
      provider: 'cpu',
      model: 'mine',
      recursive: true,
    },
    [Channel.Preview]: { id: 'no-such-item', region: { x: 0, y: 0, width: 8, height: 8 }, coarse: 2 },
    [Channel.FinetuneOverview]: undefined,
    [Channel.FinetuneScan]: { folders: [victim], recursive: false },
    [Channel.FinetuneStart]: {
      name: 'fuzz-run',
      folders: [victim],
      recursive: false,
      base: null,
      budget: { steps: 1, minutes: 1 },
      mode: 'fast',
    },
    [Channel.FinetunePause]: undefined,
    [Channel.FinetuneResume]: { name: 'ghost' },
    [Channel.FinetuneCancel]: { name: 'ghost' },
    [Channel.ModelRename]: { name: 'ghost', to: 'ghost-2' },
    [Channel.ModelDelete]: { name: 'ghost' },
    [Channel.ModelExport]: { name: 'ghost', folder: victim },
    [Channel.ModelImport]: { folder: victim },
  };
}

/** Values a field (or a whole payload) is replaced with. */
function hostileValues(root: string): unknown[] {
  return [
    undefined,
    null,
    true,
    0,
    -0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    2 ** 53,
    Number.MAX_VALUE,
    '',
    ' ',
    'x'.repeat(1_000_000),
    '{nme}',
    '{name}/../../{ext}',
    'file:///etc/passwd',
    '%2e%2e%2f%2e%2e',
    `${root}/victim`,
    `${root}/victim/../victim/keep.txt`,
    `${root}/user/models/..`,
    `${root}/victim\u0000.png`,
    ...HOSTILE_NAMES,
    [],
    [null],
    [`${root}/victim`, 7],
    new Array(200_000).fill(`${root}/victim`),
    {},
    JSON.parse('{"__proto__": {"polluted": "yes"}}'),
    { constructor: { prototype: { polluted: 'yes' } } },
    new Date(0),
    new Map([['mode', 'scale']]),
    new Set(['a']),
    new Uint8Array(16),
    10n,
    /.*/,
  ];
}

type Path = readonly (string | number)[];

/** Every place in a payload a value can be: each property of each object, at any depth. */
function fieldPaths(value: unknown, at: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, v]) => [[...at, key], ...fieldPaths(v, [...at, key])]);
}

/** Objects in a payload (the payload itself included) where keys can be added. */
function objectPaths(value: unknown, at: Path = []): Path[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return [at, ...Object.entries(value).flatMap(([key, v]) => objectPaths(v, [...at, key]))];
}

/** A deep copy with `edit` applied to the container at `path` (structuredClone keeps it plain). */
function edited(
  payload: unknown,
  path: Path,
  edit: (container: Record<string | number, unknown>, key: string | number) => void,
): unknown {
  const copy = structuredClone(payload);
  let container = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) container = container[key] as Record<string | number, unknown>;
  edit(container, path.at(-1)!);
  return copy;
}

/** Every probe for one channel: [what it is, the payload]. */
function probesFor(valid: unknown, values: unknown[]): Array<[string, unknown]> {
  const probes: Array<[string, unknown]> = [];
  const label = (v: unknown) =>
    typeof v === 'string' && v.length > 40 ? `"${v.slice(0, 20)}..." (${v.length})` : String(v).slice(0, 40);
  for (const v of values) probes.push([`payload = ${label(v)}`, v]);
  for (const path of fieldPaths(valid)) {
    for (const v of values)
      probes.push([
        `${path.join('.')} = ${label(v)}`,
        edited(valid, path, (c, k) => {
          c[k] = v;
        }),
      ]);
    probes.push([`${path.join('.')} removed`, edited(valid, path, (c, k) => Reflect.deleteProperty(c, k))]);
  }
  for (const path of objectPaths(valid)) {
    const where = path.length ? path.join('.') : 'payload';
    // An own "__proto__" key, as JSON.parse makes one (a literal would set the prototype instead).
    const withProto = (o: object) =>
      Object.assign(JSON.parse('{"__proto__": {"polluted": "yes", "isAdmin": true}}'), o);
    const withExtra = (o: object) => ({ ...o, constructor: { prototype: { polluted: 'yes' } }, extra: 1 });
    if (path.length === 0) {
      probes.push([`${where} + __proto__`, withProto(valid as object)]);
      probes.push([`${where} + constructor/extra`, withExtra(valid as object)]);
    } else {
      probes.push([
        `${where} + __proto__`,
        edited(valid, path, (c, k) => (c[k] = withProto(c[k] as object))),
      ]);
      probes.push([
        `${where} + constructor/extra`,
        edited(valid, path, (c, k) => (c[k] = withExtra(c[k] as object))),
      ]);
    }
  }
  return probes;
}

describe('every service channel under generated hostile payloads', () => {
  it('refuses cleanly, changes nothing outside its data folder and pollutes no prototype', async () => {
    const before = await f.listing();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const valid = validPayloads(f.root);
    const values = hostileValues(f.root);
    const unexpected: string[] = [];
    const counts: Record<string, number> = {};
    let accepted = 0;
    try {
      for (const channel of SERVICE_CHANNELS) {
        const probes = probesFor(valid[channel], values);
        counts[channel] = probes.length;
        for (const [what, payload] of probes) {
          try {
            await dispatch(f.handlers, channel, payload);
            accepted++;
          } catch (error) {
            if (!(error instanceof PayloadError || error instanceof ServiceError))
              unexpected.push(`${channel} ${what}: ${(error as Error)?.name}: ${(error as Error)?.message}`);
          }
        }
        // Whatever a probe started (a scan, a queue run, a model load) is over before the next.
        await f.service.finetune.pause().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(
      `fuzz: ${total} payloads over ${SERVICE_CHANNELS.length} channels (${accepted} accepted)`,
      counts,
    );

    expect(unexpected).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(Object.keys(counts).sort()).toEqual([...SERVICE_CHANNELS].sort());
    expect(total).toBeGreaterThan(3000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await f.listing()).toEqual(before);
    // The service still works after all that.
    expect((await dispatch(f.handlers, Channel.Snapshot, undefined)).queue).toBeDefined();
  }, 300_000);
});
