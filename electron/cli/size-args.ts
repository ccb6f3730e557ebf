import type { SizeSpec } from '../shared/size-spec.js';

export class UsageError extends Error {}

function number(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`${flag} needs a number (got "${value}")`);
  return n;
}

function pixels(value: string, flag: string): number {
  const n = number(value, flag);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} needs a whole number of pixels >= 1 (got "${value}")`);
  return n;
}

/** Turns --scale / --width / --height / --size WxH --fit into one SizeSpec; exactly one form is allowed. */
export function sizeSpecFromArgs(args: {
  scale?: string;
  width?: string;
  height?: string;
  size?: string;
  fit?: string;
}): SizeSpec {
  const forms = [
    args.scale !== undefined,
    args.width !== undefined || args.height !== undefined,
    args.size !== undefined,
  ];
  if (forms.filter(Boolean).length > 1)
    throw new UsageError('choose one of --scale, --width/--height, or --size WxH');
  if (args.fit !== undefined && args.size === undefined) throw new UsageError('--fit goes with --size WxH');
  if (args.scale !== undefined) {
    const scale = number(args.scale.replace(/x$/i, ''), '--scale');
    if (scale <= 0) throw new UsageError(`--scale must be positive (got ${args.scale})`);
    return { kind: 'scale', scale };
  }
  if (args.size !== undefined) {
    const m = /^(\d+)\s*[xX×]\s*(\d+)$/.exec(args.size.trim());
    if (!m) throw new UsageError(`--size needs WIDTHxHEIGHT, e.g. 3840x2160 (got "${args.size}")`);
    const fit = args.fit ?? 'contain';
    if (fit !== 'contain' && fit !== 'cover')
      throw new UsageError(`--fit is contain or cover (got "${fit}")`);
    return { kind: 'box', width: pixels(m[1], '--size'), height: pixels(m[2], '--size'), fit };
  }
  if (args.width !== undefined && args.height !== undefined)
    return { kind: 'exact', width: pixels(args.width, '--width'), height: pixels(args.height, '--height') };
  if (args.width !== undefined) return { kind: 'width', width: pixels(args.width, '--width') };
  if (args.height !== undefined) return { kind: 'height', height: pixels(args.height, '--height') };
  return { kind: 'scale', scale: 4 };
}
