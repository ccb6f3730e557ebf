/**
 * The output size as the user picks it in the app (scale, width, height, box, long-edge preset,
 * print size) and how it becomes the core's SizeSpec for one source image. Pure: the renderer uses
 * it to show the result before anything runs, the service uses it to build jobs.
 */
import { outputGeometry, type SizeSpec } from './size-spec.js';

export type SizeChoice =
  | { readonly mode: 'scale'; readonly scale: number }
  | { readonly mode: 'width'; readonly width: number }
  | { readonly mode: 'height'; readonly height: number }
  /** lockAspect: fit inside the box keeping the aspect ratio; off: exactly this size. */
  | { readonly mode: 'box'; readonly width: number; readonly height: number; readonly lockAspect: boolean }
  /** The long edge becomes this many pixels (1080p = 1920, 4K = 3840, 8K = 7680). */
  | { readonly mode: 'long-edge'; readonly pixels: number }
  | {
      readonly mode: 'print';
      readonly width: number;
      readonly height: number;
      readonly unit: 'cm' | 'in';
      readonly dpi: number;
      readonly lockAspect: boolean;
    };

export type SizeMode = SizeChoice['mode'];

export const DEFAULT_SIZE: SizeChoice = { mode: 'scale', scale: 4 };

export const LONG_EDGE_PRESETS: ReadonlyArray<{ readonly label: string; readonly pixels: number }> = [
  { label: '1080p', pixels: 1920 },
  { label: '4K', pixels: 3840 },
  { label: '8K', pixels: 7680 },
];

/** The model was trained for x1 to x4; beyond that it still works but invents less detail. */
export const TRAINED_MAX_SCALE = 4;
/** Above this the result is mostly smooth interpolation. */
export const EXTREME_SCALE = 12;

export const CM_PER_INCH = 2.54;

/** Print length to pixels at a DPI. */
export function printPixels(length: number, unit: 'cm' | 'in', dpi: number): number {
  const inches = unit === 'cm' ? length / CM_PER_INCH : length;
  return Math.max(1, Math.round(inches * dpi));
}

export interface SourceSize {
  readonly width: number;
  readonly height: number;
}

/** The core size request for one source. */
export function toSizeSpec(choice: SizeChoice, source: SourceSize): SizeSpec {
  switch (choice.mode) {
    case 'scale':
      return { kind: 'scale', scale: choice.scale };
    case 'width':
      return { kind: 'width', width: choice.width };
    case 'height':
      return { kind: 'height', height: choice.height };
    case 'box':
      return choice.lockAspect
        ? { kind: 'box', width: choice.width, height: choice.height, fit: 'contain' }
        : { kind: 'exact', width: choice.width, height: choice.height };
    case 'long-edge':
      return source.width >= source.height
        ? { kind: 'width', width: choice.pixels }
        : { kind: 'height', height: choice.pixels };
    case 'print': {
      const width = printPixels(choice.width, choice.unit, choice.dpi);
      const height = printPixels(choice.height, choice.unit, choice.dpi);
      return choice.lockAspect
        ? { kind: 'box', width, height, fit: 'contain' }
        : { kind: 'exact', width, height };
    }
  }
}

export type ScaleWarning = 'none' | 'beyond-trained' | 'extreme';

export interface TargetInfo {
  readonly width: number;
  readonly height: number;
  readonly megapixels: number;
  /** Largest axis scale. */
  readonly scale: number;
  readonly warning: ScaleWarning;
}

export function scaleWarning(scale: number): ScaleWarning {
  if (scale > EXTREME_SCALE) return 'extreme';
  if (scale > TRAINED_MAX_SCALE) return 'beyond-trained';
  return 'none';
}

/** The output for one source, or the reason there is none (throws SizeError-style messages as text). */
export function describeTarget(
  choice: SizeChoice,
  source: SourceSize,
): { ok: true; target: TargetInfo } | { ok: false; problem: string } {
  try {
    const geometry = outputGeometry(source, toSizeSpec(choice, source));
    const { width, height } = geometry.window;
    return {
      ok: true,
      target: {
        width,
        height,
        megapixels: (width * height) / 1e6,
        scale: geometry.maxScale,
        warning: scaleWarning(geometry.maxScale),
      },
    };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Words for the warning, shown without forbidding anything. */
export function warningText(warning: ScaleWarning, scale: number): string | undefined {
  const x = `x${scale.toFixed(scale < 10 ? 2 : 1).replace(/\.?0+$/, '')}`;
  if (warning === 'extreme')
    return `${x} is far beyond what the model learned (x1-x4): expect a smooth, soft result.`;
  if (warning === 'beyond-trained')
    return `${x} is beyond the trained range x1-x4: details will be softer than at x4.`;
  return undefined;
}

/**
 * When the output's aspect ratio differs from the photo's (W x H with the lock off), how much each
 * axis grows: "stretched (x2.14 wide, x3.81 tall)". Undefined when the aspect is kept (within
 * the 1 px a rounded size allows).
 */
export function stretchText(
  source: SourceSize,
  target: { width: number; height: number },
): string | undefined {
  const sx = target.width / source.width;
  const sy = target.height / source.height;
  // Rounding one side to whole pixels moves its scale by up to half a pixel's worth.
  const tolerance = 0.5 / Math.min(source.width, source.height) + 0.5 / Math.min(target.width, target.height);
  if (Math.abs(sx - sy) / Math.max(sx, sy) <= tolerance) return undefined;
  const x = (s: number) => `x${s.toFixed(2).replace(/\.?0+$/, '')}`;
  return `stretched: ${x(sx)} wide, ${x(sy)} tall`;
}
