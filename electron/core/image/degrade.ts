/**
 * What real photos do to the LR input that bicubic downsampling does not: a soft lens or missed
 * focus (Gaussian blur of the HR before it is downsampled), sensor noise (Gaussian and signal-
 * dependent Poisson, in luminance or per colour), and JPEG compression with 4:2:0 chroma, once or
 * twice (a photo re-saved by a messenger). The target stays the clean HR crop, so the model learns
 * to enlarge AND remove them. The order is the one Real-ESRGAN's first-order chain uses:
 * blur -> downsample -> noise -> JPEG.
 *
 * One sample's chain is drawn first (`drawDegradation`, from its own random stream), then applied:
 * the same seed and cursor give the same chain and the same noise, whichever thread builds it.
 * JPEG is the real codec (libjpeg-turbo through sharp, in memory), not an approximation.
 */
import sharp from 'sharp';
import { type FloatImage, floatImage, quantize8, toRgb8 } from './float-image.js';

/** A closed range [lo, hi] a value is drawn from uniformly. */
export type Range = readonly [number, number];

export interface DegradeRecipe {
  /** Share of samples left clean (bicubic only), so clean inputs stay as good as they were. */
  readonly cleanShare: number;
  /** Gaussian blur of the HR crop before downsampling: probability and sigma in HR pixels. */
  readonly blurProb: number;
  readonly blurSigma: Range;
  /** Additive noise on the LR: probability, and its standard deviation in levels of 255. */
  readonly noiseProb: number;
  readonly noiseLevel: Range;
  /** Of noisy samples: the share with the same noise in all channels (luminance noise). */
  readonly grayNoiseShare: number;
  /** Of noisy samples: the share with Poisson (shot) noise, whose spread grows with brightness. */
  readonly poissonShare: number;
  /** JPEG of the LR: probability and quality. */
  readonly jpegProb: number;
  readonly jpegQuality: Range;
  /** Of JPEG samples: the share saved a second time, at a quality drawn from the same range. */
  readonly secondJpegProb: number;
}

/**
 * The defaults: every degraded sample is a JPEG (what people have), a quarter stay clean, noise
 * and blur on part of them. JPEG 30-95 spans messenger (~40-70) to camera (~90-95) qualities.
 */
export const DEFAULT_RECIPE: DegradeRecipe = {
  cleanShare: 0.25,
  blurProb: 0.3,
  blurSigma: [0.2, 1.5],
  noiseProb: 0.5,
  noiseLevel: [1, 10],
  grayNoiseShare: 0.4,
  poissonShare: 0.3,
  jpegProb: 1,
  jpegQuality: [30, 95],
  secondJpegProb: 0.2,
};

/** One sample's concrete chain. Empty (no blur, no noise, no JPEG) is a clean sample. */
export interface Degradation {
  /** HR-pixel sigma; 0 for none. */
  readonly blurSigma: number;
  readonly noise?: {
    readonly kind: 'gaussian' | 'poisson';
    /** Standard deviation in levels of 255 (for Poisson: at mid-grey). */
    readonly level: number;
    readonly gray: boolean;
  };
  /** JPEG qualities, applied in order (none, one or two passes). */
  readonly jpeg: readonly number[];
}

export const CLEAN: Degradation = { blurSigma: 0, jpeg: [] };

const within = (rand: () => number, [lo, hi]: Range) => lo + rand() * (hi - lo);

/** Checks a recipe's numbers; throws RangeError naming the first bad field. */
export function checkRecipe(recipe: DegradeRecipe): DegradeRecipe {
  const share = (v: number, what: string) => {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`degradation ${what} must be in [0, 1] (got ${v})`);
  };
  const range = ([lo, hi]: Range, min: number, max: number, what: string) => {
    if (!(lo >= min && hi <= max && lo <= hi))
      throw new RangeError(`degradation ${what} must be a range within [${min}, ${max}] (got ${lo}-${hi})`);
  };
  share(recipe.cleanShare, 'clean share');
  share(recipe.blurProb, 'blur probability');
  share(recipe.noiseProb, 'noise probability');
  share(recipe.grayNoiseShare, 'gray noise share');
  share(recipe.poissonShare, 'Poisson share');
  share(recipe.jpegProb, 'JPEG probability');
  share(recipe.secondJpegProb, 'second JPEG probability');
  range(recipe.blurSigma, 0, 5, 'blur sigma');
  range(recipe.noiseLevel, 0, 50, 'noise level');
  range(recipe.jpegQuality, 1, 100, 'JPEG quality');
  return recipe;
}

/**
 * Draws one chain. Every draw is always made, in a fixed order, so changing one probability does
 * not shift the others' random numbers (the same property patch-sample.ts keeps for flips).
 */
export function drawDegradation(recipe: DegradeRecipe, rand: () => number): Degradation {
  const clean = rand() < recipe.cleanShare;
  const blur = rand() < recipe.blurProb;
  const sigma = within(rand, recipe.blurSigma);
  const noisy = rand() < recipe.noiseProb;
  const level = within(rand, recipe.noiseLevel);
  const gray = rand() < recipe.grayNoiseShare;
  const poisson = rand() < recipe.poissonShare;
  const jpeg = rand() < recipe.jpegProb;
  const q1 = Math.round(within(rand, recipe.jpegQuality));
  const second = rand() < recipe.secondJpegProb;
  const q2 = Math.round(within(rand, recipe.jpegQuality));
  if (clean) return CLEAN;
  return {
    blurSigma: blur ? sigma : 0,
    ...(noisy ? { noise: { kind: poisson ? 'poisson' : 'gaussian', level, gray } } : {}),
    jpeg: jpeg ? (second ? [q1, q2] : [q1]) : [],
  } as Degradation;
}

/** A normalised 1-D Gaussian kernel of radius ceil(3 sigma). */
function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Mirror index into [0, n) (edge pixel repeated once: "symmetric", as Matlab and PIL pad). */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/** Separable Gaussian blur with symmetric borders; sigma 0 returns the image itself. */
export function gaussianBlur(image: FloatImage, sigma: number): FloatImage {
  if (sigma <= 0) return image;
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const { channels, height: h, width: w } = image;
  const tmp = floatImage(channels, h, w);
  const out = floatImage(channels, h, w);
  for (let c = 0; c < channels; c++) {
    const base = c * h * w;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let j = -r; j <= r; j++) s += k[j + r] * image.data[base + y * w + mirror(x + j, w)];
        tmp.data[base + y * w + x] = s;
      }
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let j = -r; j <= r; j++) s += k[j + r] * tmp.data[base + mirror(y + j, h) * w + x];
        out.data[base + y * w + x] = s;
      }
  }
  return out;
}

/** A standard normal draw (Box-Muller on two uniforms). */
function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * Adds noise, clamped to [0, 1]. Poisson noise is drawn by its normal approximation (variance
 * proportional to the signal), exact enough at the photon counts these levels stand for (over a
 * hundred at mid-grey); `level` is its spread at mid-grey, so the two kinds compare.
 */
export function addNoise(
  image: FloatImage,
  noise: NonNullable<Degradation['noise']>,
  rand: () => number,
): FloatImage {
  const plane = image.height * image.width;
  const sigma = noise.level / 255;
  const out = floatImage(image.channels, image.height, image.width);
  const shared = noise.gray ? Float32Array.from({ length: plane }, () => normal(rand)) : undefined;
  for (let c = 0; c < image.channels; c++)
    for (let i = 0; i < plane; i++) {
      const v = image.data[c * plane + i];
      const z = shared ? shared[i] : normal(rand);
      const spread = noise.kind === 'poisson' ? sigma * Math.sqrt(Math.max(0, v) / 0.5) : sigma;
      out.data[c * plane + i] = Math.min(1, Math.max(0, v + spread * z));
    }
  return out;
}

/** Encodes as a baseline JPEG with 4:2:0 chroma at `quality` and decodes it again, in memory. */
export async function jpegRoundTrip(image: FloatImage, quality: number): Promise<FloatImage> {
  if (image.channels !== 3)
    throw new RangeError(`JPEG round trip needs RGB (got ${image.channels} channels)`);
  const { height, width } = image;
  const encoded = await sharp(toRgb8(image), { raw: { width, height, channels: 3 } })
    .jpeg({ quality, chromaSubsampling: '4:2:0', mozjpeg: false })
    .toBuffer();
  const decoded = await sharp(encoded).raw().toBuffer();
  const out = floatImage(3, height, width);
  const plane = height * width;
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++) out.data[c * plane + i] = decoded[i * 3 + c] / 255;
  return out;
}

/**
 * Noise then JPEG passes on an LR image (the blur belongs before downsampling: see patch-sample).
 * `quantize`: a noisy LR left without JPEG is rounded to 8 bit, as a saved photo is (a JPEG
 * pass already gives 8-bit values).
 */
export async function degradeLr(
  lr: FloatImage,
  d: Degradation,
  rand: () => number,
  options: { quantize: boolean } = { quantize: true },
): Promise<FloatImage> {
  let out = d.noise ? addNoise(lr, d.noise, rand) : lr;
  if (d.noise && d.jpeg.length === 0 && options.quantize) out = quantize8(out);
  for (const quality of d.jpeg) out = await jpegRoundTrip(out, quality);
  return out;
}

/**
 * A fixed chain from text, for evaluation and tests: "clean", or parts joined by "+":
 * `blur:SIGMA`, `noise:LEVEL` (Gaussian, per colour), `graynoise:LEVEL`, `poisson:LEVEL`,
 * `jpeg:QUALITY` (repeatable). E.g. "jpeg:75", "noise:5+jpeg:80".
 */
export function parseDegradation(spec: string): Degradation {
  const text = spec.trim().toLowerCase();
  if (text === 'clean' || text === '') return CLEAN;
  let blurSigma = 0;
  let noise: Degradation['noise'];
  const jpeg: number[] = [];
  for (const part of text.split('+')) {
    const match = /^(blur|noise|graynoise|poisson|jpeg):([0-9]*\.?[0-9]+)$/.exec(part.trim());
    if (!match)
      throw new RangeError(
        `"${part}" is not a degradation: use blur:S, noise:L, graynoise:L, poisson:L or jpeg:Q`,
      );
    const [, kind, value] = match as unknown as [string, string, string];
    const v = Number(value);
    if (kind === 'jpeg') {
      if (!(Number.isInteger(v) && v >= 1 && v <= 100))
        throw new RangeError(`jpeg quality must be 1-100 (got ${value})`);
      jpeg.push(v);
    } else if (kind === 'blur') {
      if (!(v > 0 && v <= 5)) throw new RangeError(`blur sigma must be in (0, 5] (got ${value})`);
      blurSigma = v;
    } else {
      if (noise) throw new RangeError('give one noise part');
      if (!(v > 0 && v <= 50)) throw new RangeError(`noise level must be in (0, 50] (got ${value})`);
      noise = { kind: kind === 'poisson' ? 'poisson' : 'gaussian', level: v, gray: kind === 'graynoise' };
    }
  }
  return { blurSigma, ...(noise ? { noise } : {}), jpeg };
}

/** The chain in the grammar parseDegradation reads (for reports and model cards). */
export function describeDegradation(d: Degradation): string {
  const parts: string[] = [];
  if (d.blurSigma > 0) parts.push(`blur:${+d.blurSigma.toFixed(2)}`);
  if (d.noise)
    parts.push(
      `${d.noise.kind === 'poisson' ? 'poisson' : d.noise.gray ? 'graynoise' : 'noise'}:${+d.noise.level.toFixed(2)}`,
    );
  for (const q of d.jpeg) parts.push(`jpeg:${q}`);
  return parts.length ? parts.join('+') : 'clean';
}
