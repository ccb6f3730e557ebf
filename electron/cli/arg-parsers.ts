/** Validating parsers for command-line values: each failure is a UsageError naming the flag. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PROVIDER_CHOICES, type ProviderChoice } from '../core/infer/onnx-runtime.js';
import { UsageError } from './size-args.js';

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

export function intInRange(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number ${min}-${max} (got "${value}")`);
  return n;
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  return intInRange(value, flag, 1, Number.MAX_SAFE_INTEGER);
}

export function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag} needs a positive number (got "${value}")`);
  return n;
}

/** A moving-average decay (`--ema`): in [0, 1); absent: undefined. */
export function averageDecayArg(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const decay = Number(value);
  if (!(decay >= 0 && decay < 1)) throw new UsageError(`${flag} is a decay in [0, 1), e.g. 0.999`);
  return decay;
}

export function providerArg(value: string | undefined, fallback: ProviderChoice): ProviderChoice {
  return oneOf<ProviderChoice>(value, PROVIDER_CHOICES, '--provider') ?? fallback;
}

/**
 * `DIR` or `DIR:WEIGHT`. A folder whose own name ends in ":<number>" is taken as it is when it
 * exists (Windows drive letters, as in C:\\photos, never end in a number).
 */
export async function dataFolderArg(text: string): Promise<{ dir: string; weight?: number }> {
  const match = /^(.+):([0-9]*\.?[0-9]+)$/.exec(text);
  if (!match || (await isDirectory(resolve(text)))) return { dir: resolve(text) };
  const weight = Number(match[2]);
  if (!(weight > 0)) throw new UsageError(`--data ${text}: the weight after ':' must be above 0`);
  return { dir: resolve(match[1]!), weight };
}

const isDirectory = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

export function shareArg(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const share = Number(text);
  if (!(share >= 0 && share <= 1)) throw new UsageError(`${flag} must be a share from 0 to 1 (got ${text})`);
  return share;
}
