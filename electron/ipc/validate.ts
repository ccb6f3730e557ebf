/**
 * Checks every payload that arrives from the renderer (IPC) or the test transport (HTTP) before a
 * handler sees it: types, ranges, absolute paths, known enum values. A bad payload throws a
 * PayloadError; nothing is coerced silently.
 */
import { isAbsolute } from 'node:path';
import type { ServiceChannel } from '../shared/channels.js';
import { Channel } from '../shared/channels.js';
import type { FinetuneBudget, FinetuneStartRequest } from '../shared/finetune-payloads.js';
import { checkModelName, NameError } from '../shared/model-name.js';
import type { SizeChoice } from '../shared/size-choice.js';
import {
  CONFLICT_POLICIES,
  INPUT_CHOICES,
  type ItemOverride,
  OUTPUT_FORMATS,
  type OutputChoice,
  type OutputFormat,
  PROVIDER_CHOICES,
  type Region,
  type RequestOf,
  type SettingsPatch,
} from './payloads.js';

export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

export const LIMITS = {
  maxScale: 64,
  minScale: 0.01,
  maxSide: 100_000,
  maxDpi: 4800,
  maxPrintLength: 10_000,
  maxPaths: 10_000,
  maxPathLength: 4096,
  maxTemplate: 200,
  maxPreviewSide: 2048,
  maxFolders: 100,
  maxSteps: 10_000_000,
  maxMinutes: 7 * 24 * 60,
} as const;

type Obj = Record<string, unknown>;

function record(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new PayloadError(`${what} must be an object`);
  return v as Obj;
}

function finite(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new PayloadError(`${what} must be a number from ${min} to ${max}`);
  return v;
}

function int(v: unknown, what: string, min: number, max: number): number {
  const n = finite(v, what, min, max);
  if (!Number.isInteger(n)) throw new PayloadError(`${what} must be a whole number`);
  return n;
}

function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new PayloadError(`${what} must be true or false`);
  return v;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    throw new PayloadError(`${what} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function text(v: unknown, what: string, maxLength: number): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength || v.includes('\0'))
    throw new PayloadError(`${what} must be text of 1-${maxLength} characters`);
  return v;
}

export function absolutePath(v: unknown, what = 'path'): string {
  const path = text(v, what, LIMITS.maxPathLength);
  if (!isAbsolute(path)) throw new PayloadError(`${what} must be an absolute path`);
  return path;
}

function itemId(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(v)) throw new PayloadError('id is not valid');
  return v;
}

const side = (v: unknown, what: string) => int(v, what, 1, LIMITS.maxSide);

export function parseSizeChoice(v: unknown): SizeChoice {
  const o = record(v, 'size');
  switch (o.mode) {
    case 'scale':
      return { mode: 'scale', scale: finite(o.scale, 'scale', LIMITS.minScale, LIMITS.maxScale) };
    case 'width':
      return { mode: 'width', width: side(o.width, 'width') };
    case 'height':
      return { mode: 'height', height: side(o.height, 'height') };
    case 'box':
      return {
        mode: 'box',
        width: side(o.width, 'width'),
        height: side(o.height, 'height'),
        lockAspect: bool(o.lockAspect, 'lockAspect'),
      };
    case 'long-edge':
      return { mode: 'long-edge', pixels: side(o.pixels, 'long edge') };
    case 'print':
      return {
        mode: 'print',
        width: finite(o.width, 'print width', 0.01, LIMITS.maxPrintLength),
        height: finite(o.height, 'print height', 0.01, LIMITS.maxPrintLength),
        unit: oneOf(o.unit, ['cm', 'in'] as const, 'unit'),
        dpi: int(o.dpi, 'dpi', 1, LIMITS.maxDpi),
        lockAspect: bool(o.lockAspect, 'lockAspect'),
      };
    default:
      throw new PayloadError('size mode must be scale, width, height, box, long-edge or print');
  }
}

const FORMAT_CHOICES: readonly (OutputFormat | 'same')[] = ['same', ...OUTPUT_FORMATS];

export function parseOutputPatch(v: unknown): Partial<OutputChoice> {
  const o = record(v, 'output');
  const out: { -readonly [K in keyof OutputChoice]?: OutputChoice[K] } = {};
  if ('folder' in o) out.folder = o.folder === null ? null : absolutePath(o.folder, 'output folder');
  if ('template' in o) out.template = text(o.template, 'file name template', LIMITS.maxTemplate);
  if ('format' in o) out.format = oneOf(o.format, FORMAT_CHOICES, 'format');
  if ('quality' in o) out.quality = int(o.quality, 'quality', 1, 100);
  if ('onConflict' in o) out.onConflict = oneOf(o.onConflict, CONFLICT_POLICIES, 'conflict policy');
  if ('keepMetadata' in o) out.keepMetadata = bool(o.keepMetadata, 'keep metadata');
  return out;
}

export function parseSettingsPatch(v: unknown): SettingsPatch {
  const o = record(v, 'settings');
  const known = new Set(['size', 'output', 'provider', 'model', 'input', 'recursive']);
  for (const key of Object.keys(o)) if (!known.has(key)) throw new PayloadError(`unknown setting "${key}"`);
  return {
    ...('size' in o ? { size: parseSizeChoice(o.size) } : {}),
    ...('output' in o ? { output: parseOutputPatch(o.output) } : {}),
    ...('provider' in o ? { provider: oneOf(o.provider, PROVIDER_CHOICES, 'provider') } : {}),
    ...('model' in o ? { model: o.model === null ? null : modelName(o.model, 'model') } : {}),
    ...('input' in o ? { input: oneOf(o.input, INPUT_CHOICES, 'input') } : {}),
    ...('recursive' in o ? { recursive: bool(o.recursive, 'recursive') } : {}),
  };
}

export function parseOverride(v: unknown): ItemOverride | null {
  if (v === null) return null;
  const o = record(v, 'override');
  return {
    ...(o.size !== undefined ? { size: parseSizeChoice(o.size) } : {}),
    ...(o.format !== undefined ? { format: oneOf(o.format, FORMAT_CHOICES, 'format') } : {}),
  };
}

function parseRegion(v: unknown): Region {
  const o = record(v, 'region');
  return {
    x: int(o.x, 'region x', 0, LIMITS.maxSide),
    y: int(o.y, 'region y', 0, LIMITS.maxSide),
    width: int(o.width, 'region width', 1, LIMITS.maxPreviewSide),
    height: int(o.height, 'region height', 1, LIMITS.maxPreviewSide),
  };
}

function none(v: unknown): undefined {
  if (v !== undefined && v !== null) throw new PayloadError('this call takes no arguments');
  return undefined;
}

const item = (v: unknown) => ({ id: itemId(record(v, 'request').id) });

/** The core's one name rule (model-name.ts), so a name that passes here is safe as a folder name there. */
function modelName(v: unknown, what = 'model name'): string {
  try {
    return checkModelName(v, what);
  } catch (err) {
    if (err instanceof NameError) throw new PayloadError(err.message);
    throw err;
  }
}

/**
 * Each element checked, holes included: structured clone keeps a sparse array's holes and
 * `Array.prototype.map` skips them, which let `[, "/a"]` through with an undefined path.
 */
function listOf<T>(list: readonly unknown[], check: (item: unknown) => T): T[] {
  return Array.from(list, check);
}

function folders(v: unknown, min = 1): string[] {
  if (!Array.isArray(v) || v.length < min || v.length > LIMITS.maxFolders)
    throw new PayloadError(`folders must be a list of ${min}-${LIMITS.maxFolders} folders`);
  return listOf(v, (p) => absolutePath(p, 'folder'));
}

function parseBudget(v: unknown): FinetuneBudget {
  const o = record(v, 'budget');
  const steps = o.steps === undefined ? undefined : int(o.steps, 'steps', 1, LIMITS.maxSteps);
  const minutes = o.minutes === undefined ? undefined : finite(o.minutes, 'minutes', 0.01, LIMITS.maxMinutes);
  if (steps === undefined && minutes === undefined)
    throw new PayloadError('the budget needs steps or minutes');
  return { ...(steps !== undefined ? { steps } : {}), ...(minutes !== undefined ? { minutes } : {}) };
}

function parseFinetuneStart(v: unknown): FinetuneStartRequest {
  const o = record(v, 'request');
  return {
    name: modelName(o.name),
    folders: folders(o.folders),
    recursive: bool(o.recursive, 'recursive'),
    base: o.base === null ? null : modelName(o.base, 'base model'),
    budget: parseBudget(o.budget),
    mode: oneOf(o.mode, ['full', 'fast'] as const, 'mode'),
  };
}

const named = (v: unknown) => ({ name: modelName(record(v, 'request').name) });

/** One parser per service channel: raw payload in, typed request out. */
export const parsers: { readonly [C in ServiceChannel]: (payload: unknown) => RequestOf<C> } = {
  [Channel.Snapshot]: none,
  [Channel.AddPaths]: (v) => {
    const o = record(v, 'request');
    if (!Array.isArray(o.paths) || o.paths.length > LIMITS.maxPaths)
      throw new PayloadError(`paths must be a list of at most ${LIMITS.maxPaths} paths`);
    return { paths: listOf(o.paths, (p) => absolutePath(p)), recursive: bool(o.recursive, 'recursive') };
  },
  [Channel.Start]: none,
  [Channel.Pause]: none,
  [Channel.Cancel]: item,
  [Channel.CancelAll]: none,
  [Channel.RetryFailed]: none,
  [Channel.Redo]: item,
  [Channel.Remove]: item,
  [Channel.ClearFinished]: none,
  [Channel.SetOverride]: (v) => {
    const o = record(v, 'request');
    return { id: itemId(o.id), override: parseOverride(o.override) };
  },
  [Channel.UpdateSettings]: parseSettingsPatch,
  [Channel.Preview]: (v) => {
    const o = record(v, 'request');
    const coarse = o.coarse === undefined ? undefined : int(o.coarse, 'coarse', 1, 8);
    return { id: itemId(o.id), region: parseRegion(o.region), ...(coarse ? { coarse } : {}) };
  },
  [Channel.FinetuneOverview]: none,
  [Channel.FinetuneScan]: (v) => {
    const o = record(v, 'request');
    // An empty list is allowed: it clears the remembered choice.
    return { folders: folders(o.folders, 0), recursive: bool(o.recursive, 'recursive') };
  },
  [Channel.FinetuneStart]: parseFinetuneStart,
  [Channel.FinetunePause]: none,
  [Channel.FinetuneResume]: named,
  [Channel.FinetuneCancel]: named,
  [Channel.ModelRename]: (v) => {
    const o = record(v, 'request');
    return { name: modelName(o.name), to: modelName(o.to, 'new name') };
  },
  [Channel.ModelDelete]: named,
  [Channel.ModelExport]: (v) => {
    const o = record(v, 'request');
    return { name: modelName(o.name), folder: absolutePath(o.folder, 'folder') };
  },
  [Channel.ModelImport]: (v) => ({ folder: absolutePath(record(v, 'request').folder, 'folder') }),
};

/** Parsers for the Electron-only channels. */
export const parseItemRequest = item;
export const parseNone = none;
