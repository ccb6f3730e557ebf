/**
 * The user's settings as one JSON file in the app's data folder. Reads tolerate a missing or
 * damaged file (each section falls back to its default); writes are atomic (temp file + rename)
 * and serialised, so a crash never leaves half a file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type SyncListener, writeFileDurable } from '../core/fs/durable-file.js';
import type { OutputChoice, Settings, SettingsPatch } from '../ipc/payloads.js';
import { parseOutputPatch, parseSettingsPatch, parseSizeChoice } from '../ipc/validate.js';
import { DEFAULT_SIZE } from '../shared/size-choice.js';

export const DEFAULT_OUTPUT: OutputChoice = {
  folder: null,
  template: '{name}_{width}x{height}',
  format: 'same',
  quality: 92,
  onConflict: 'rename',
  keepMetadata: true,
};

export const DEFAULT_SETTINGS: Settings = {
  size: DEFAULT_SIZE,
  output: DEFAULT_OUTPUT,
  provider: 'auto',
  model: null,
  input: 'auto',
  recursive: false,
};

function attempt<T>(parse: () => T, fallback: T): T {
  try {
    return parse();
  } catch {
    return fallback;
  }
}

/** Settings from untrusted JSON: every section that does not validate gets its default. */
export function settingsFromJson(json: unknown): Settings {
  if (typeof json !== 'object' || json === null) return DEFAULT_SETTINGS;
  const o = json as Record<string, unknown>;
  const output = attempt(() => parseOutputPatch(o.output), {});
  const field = <K extends 'provider' | 'model' | 'input' | 'recursive'>(key: K) =>
    attempt(() => parseSettingsPatch({ [key]: o[key] })[key], undefined);
  const model = field('model');
  return {
    size: attempt(() => parseSizeChoice(o.size), DEFAULT_SETTINGS.size),
    output: { ...DEFAULT_OUTPUT, ...output },
    provider: field('provider') ?? DEFAULT_SETTINGS.provider,
    model: model === undefined ? DEFAULT_SETTINGS.model : model,
    input: field('input') ?? DEFAULT_SETTINGS.input,
    recursive: field('recursive') ?? DEFAULT_SETTINGS.recursive,
  };
}

export function mergeSettings(current: Settings, patch: SettingsPatch): Settings {
  return {
    size: patch.size ?? current.size,
    output: { ...current.output, ...patch.output },
    provider: patch.provider ?? current.provider,
    model: patch.model === undefined ? current.model : patch.model,
    input: patch.input ?? current.input,
    recursive: patch.recursive ?? current.recursive,
  };
}

export class SettingsStore {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private settings: Settings,
    private readonly onSync?: SyncListener,
  ) {}

  /** `onSync` hears each flush (tests: a power cut cannot be staged). */
  static async open(file: string, onSync?: SyncListener): Promise<SettingsStore> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      json = undefined;
    }
    return new SettingsStore(file, settingsFromJson(json), onSync);
  }

  get current(): Settings {
    return this.settings;
  }

  /** Applies a validated patch and saves; resolves once the file is on disk. */
  async update(patch: SettingsPatch): Promise<Settings> {
    this.settings = mergeSettings(this.settings, patch);
    const snapshot = this.settings;
    const write = this.writing.then(() => this.write(snapshot));
    this.writing = write.catch(() => undefined);
    await write;
    return snapshot;
  }

  private async write(settings: Settings): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    // Flushed before and after the rename: a power cut must not leave an empty settings file.
    await writeFileDurable(this.file, `${JSON.stringify(settings, null, 2)}\n`, this.onSync);
  }
}
