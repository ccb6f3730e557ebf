/**
 * model.json: what a model folder contains and which architecture its weights are for. Validated by
 * hand (no schema library) so a bad file fails with the name of the field that is wrong.
 */

import type { DecoderKind, LiifArchitecture } from './architecture.js';
import { ModelError } from './model-errors.js';

export const MODEL_FORMAT_VERSION = 1;

/**
 * The largest architecture this app builds graphs for. Without bounds a hostile or mistyped
 * model.json ("resBlocks": 100000000) made the graph builder loop until the process ran out of
 * memory. EDSR (the full one: 256 features, 32 blocks) and wider MLPs than the paper's still fit.
 */
export const ARCHITECTURE_LIMITS = {
  features: 256,
  resBlocks: 64,
  hidden: 1024,
  hiddenLayers: 16,
  latentHidden: 1024,
} as const;

export interface ModelManifest {
  formatVersion: 1;
  /** Short identifier, e.g. 'liif-edsr-baseline'. */
  name: string;
  displayName?: string;
  description?: string;
  architecture: {
    kind: 'liif';
    encoder: 'edsr-baseline';
    features: number;
    resBlocks: number;
    hidden: number;
    hiddenLayers: number;
    /** Absent: 'mlp', LIIF's exact decoder (every model made before LMF). */
    decoder?: DecoderKind;
    /** LMF only: the latent MLP's hidden width. */
    latentHidden?: number;
  };
  /** File names relative to the model folder. */
  files: { weights: string; encoder: string; decoder: string; decoderPlain?: string };
  /** ISO 8601 timestamp. */
  createdAt: string;
  training?: {
    data?: string;
    steps?: number;
    baseModel?: string;
    wallClockSeconds?: number;
    hardware?: string;
    notes?: string;
    [k: string]: unknown;
  };
  scores?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class FieldReader {
  constructor(readonly path: string) {}

  corrupt(field: string, detail: string): ModelError {
    return new ModelError('corrupt', this.path, `field "${field}" ${detail}`);
  }

  object(obj: Json, key: string, prefix = ''): Json {
    const v = obj[key];
    if (!isObject(v)) throw this.corrupt(prefix + key, v === undefined ? 'is missing' : 'must be an object');
    return v;
  }

  string(obj: Json, key: string, prefix = ''): string {
    const v = obj[key];
    if (typeof v !== 'string' || v.length === 0) {
      throw this.corrupt(prefix + key, v === undefined ? 'is missing' : 'must be a non-empty string');
    }
    return v;
  }

  optionalString(obj: Json, key: string, prefix = ''): string | undefined {
    return obj[key] === undefined ? undefined : this.string(obj, key, prefix);
  }

  positiveInt(obj: Json, key: string, prefix = '', max = Number.MAX_SAFE_INTEGER): number {
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
      throw this.corrupt(prefix + key, v === undefined ? 'is missing' : 'must be a positive integer');
    }
    if (v > max) throw this.corrupt(prefix + key, `is ${v}; this app supports at most ${max}`);
    return v;
  }

  optionalNumber(obj: Json, key: string, prefix = ''): void {
    const v = obj[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw this.corrupt(prefix + key, 'must be a non-negative number');
    }
  }

  /** A bare file name: no folders, so a manifest can never point outside its own model folder. */
  fileName(obj: Json, key: string, prefix: string): string {
    const v = this.string(obj, key, prefix);
    if (/[/\\]/.test(v) || v === '.' || v === '..' || v === 'model.json') {
      throw this.corrupt(prefix + key, `must be a file name inside the model folder, not "${v}"`);
    }
    return v;
  }
}

/** Only the optional keys that are present, so a parsed manifest round-trips through JSON unchanged. */
function present<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Validates parsed model.json content. Throws ModelError 'corrupt' for malformed fields and
 * 'incompatible' for a newer format version or an architecture this app cannot run.
 */
export function parseManifest(json: unknown, path: string): ModelManifest {
  const r = new FieldReader(path);
  if (!isObject(json)) throw new ModelError('corrupt', path, 'model.json must contain a JSON object');

  const version = json.formatVersion;
  if (typeof version !== 'number') throw r.corrupt('formatVersion', 'is missing or not a number');
  if (version !== MODEL_FORMAT_VERSION) {
    throw new ModelError(
      'incompatible',
      path,
      `formatVersion ${version} is not supported (this app reads version ${MODEL_FORMAT_VERSION}); a newer app may be needed`,
    );
  }

  const arch = r.object(json, 'architecture');
  if (arch.kind !== 'liif') {
    throw new ModelError(
      'incompatible',
      path,
      `field "architecture.kind" is ${JSON.stringify(arch.kind)}; only "liif" is supported`,
    );
  }
  if (arch.encoder !== 'edsr-baseline') {
    throw new ModelError(
      'incompatible',
      path,
      `field "architecture.encoder" is ${JSON.stringify(arch.encoder)}; only "edsr-baseline" is supported`,
    );
  }
  let decoder: DecoderKind | undefined;
  if (arch.decoder === 'mlp' || arch.decoder === 'lmf') decoder = arch.decoder;
  else if (arch.decoder !== undefined) {
    throw new ModelError(
      'incompatible',
      path,
      `field "architecture.decoder" is ${JSON.stringify(arch.decoder)}; this app runs "mlp" and "lmf" decoders`,
    );
  }
  if (decoder !== 'lmf' && arch.latentHidden !== undefined) {
    throw r.corrupt('architecture.latentHidden', 'belongs to an "lmf" decoder only');
  }
  const latentHidden =
    arch.latentHidden === undefined
      ? undefined
      : r.positiveInt(arch, 'latentHidden', 'architecture.', ARCHITECTURE_LIMITS.latentHidden);
  const files = r.object(json, 'files');

  const createdAt = r.string(json, 'createdAt');
  if (Number.isNaN(Date.parse(createdAt))) throw r.corrupt('createdAt', `is not an ISO date: "${createdAt}"`);

  let training: ModelManifest['training'];
  if (json.training !== undefined) {
    const t = r.object(json, 'training');
    for (const key of ['data', 'baseModel', 'hardware', 'notes']) r.optionalString(t, key, 'training.');
    for (const key of ['steps', 'wallClockSeconds']) r.optionalNumber(t, key, 'training.');
    training = { ...t };
  }
  let scores: Record<string, unknown> | undefined;
  if (json.scores !== undefined) scores = { ...r.object(json, 'scores') };

  const decoderPlain =
    files.decoderPlain === undefined ? undefined : r.fileName(files, 'decoderPlain', 'files.');
  return {
    formatVersion: MODEL_FORMAT_VERSION,
    name: r.string(json, 'name'),
    ...present({
      displayName: r.optionalString(json, 'displayName'),
      description: r.optionalString(json, 'description'),
    }),
    architecture: {
      kind: 'liif',
      encoder: 'edsr-baseline',
      features: r.positiveInt(arch, 'features', 'architecture.', ARCHITECTURE_LIMITS.features),
      resBlocks: r.positiveInt(arch, 'resBlocks', 'architecture.', ARCHITECTURE_LIMITS.resBlocks),
      hidden: r.positiveInt(arch, 'hidden', 'architecture.', ARCHITECTURE_LIMITS.hidden),
      hiddenLayers: r.positiveInt(arch, 'hiddenLayers', 'architecture.', ARCHITECTURE_LIMITS.hiddenLayers),
      ...present({ decoder, latentHidden }),
    },
    files: {
      weights: r.fileName(files, 'weights', 'files.'),
      encoder: r.fileName(files, 'encoder', 'files.'),
      decoder: r.fileName(files, 'decoder', 'files.'),
      ...present({ decoderPlain }),
    },
    createdAt,
    ...present({ training, scores }),
  };
}

export function architectureOf(m: ModelManifest): LiifArchitecture {
  const { features, resBlocks, hidden, hiddenLayers, decoder, latentHidden } = m.architecture;
  return { features, resBlocks, hidden, hiddenLayers, ...present({ decoder, latentHidden }) };
}
