/**
 * A slow, obvious transcription of LIIF (../shared/LIIF.md) in plain loops and float64, written
 * independently of the graph builder, to check the ONNX pipeline against. One image, no batching.
 */
import {
  type LiifArchitecture,
  latentLayerName,
  mlpInputSize,
  mlpLayerName,
  type Weights,
} from '../../../../electron/core/model/architecture.js';

/** Planar image/feature map: data[(c * height + y) * width + x]. */
export interface Planes {
  channels: number;
  height: number;
  width: number;
  data: Float64Array;
}

function weight(weights: Weights, name: string): Float32Array {
  const w = weights.get(name);
  if (!w) throw new Error(`missing ${name}`);
  return w;
}

/** 3x3 convolution, zero padding 1, with bias. */
export function conv3x3(input: Planes, w: Float32Array, b: Float32Array, outChannels: number): Planes {
  const { channels, height, width } = input;
  const out = new Float64Array(outChannels * height * width);
  for (let o = 0; o < outChannels; o++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = b[o];
        for (let c = 0; c < channels; c++) {
          for (let ky = 0; ky < 3; ky++) {
            for (let kx = 0; kx < 3; kx++) {
              const yy = y + ky - 1;
              const xx = x + kx - 1;
              if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
              sum += w[((o * channels + c) * 3 + ky) * 3 + kx] * input.data[(c * height + yy) * width + xx];
            }
          }
        }
        out[(o * height + y) * width + x] = sum;
      }
    }
  }
  return { channels: outChannels, height, width, data: out };
}

const relu = (p: Planes): Planes => ({ ...p, data: p.data.map((v) => Math.max(0, v)) });
const plus = (a: Planes, b: Planes): Planes => ({ ...a, data: a.data.map((v, i) => v + b.data[i]) });

/** EDSR-baseline encoder on an RGB image in [0,1] (planar), returning C feature planes. */
export function referenceEncoder(arch: LiifArchitecture, weights: Weights, rgb: Planes): Planes {
  const f = arch.features;
  const conv = (x: Planes, name: string) =>
    conv3x3(x, weight(weights, `${name}.weight`), weight(weights, `${name}.bias`), f);
  const normalised = { ...rgb, data: rgb.data.map((v) => (v - 0.5) / 0.5) };
  const head = conv(normalised, 'encoder.head.0');
  let x = head;
  for (let i = 0; i < arch.resBlocks; i++) {
    x = plus(x, conv(relu(conv(x, `encoder.body.${i}.body.0`)), `encoder.body.${i}.body.2`));
  }
  return plus(conv(x, `encoder.body.${arch.resBlocks}`), head);
}

/** The 3x3 unfolded code at (y, x), zero outside, channel order c*9 + ky*3 + kx. */
function unfoldedCode(feat: Planes, y: number, x: number): number[] {
  const code: number[] = [];
  for (let c = 0; c < feat.channels; c++) {
    for (let ky = -1; ky <= 1; ky++) {
      for (let kx = -1; kx <= 1; kx++) {
        const yy = y + ky;
        const xx = x + kx;
        const inside = yy >= 0 && yy < feat.height && xx >= 0 && xx < feat.width;
        code.push(inside ? feat.data[(c * feat.height + yy) * feat.width + xx] : 0);
      }
    }
  }
  return code;
}

function mlp(arch: LiifArchitecture, weights: Weights, input: number[]): number[] {
  let x = input;
  for (let layer = 0; layer <= arch.hiddenLayers; layer++) {
    const w = weight(weights, `${mlpLayerName(layer)}.weight`);
    const b = weight(weights, `${mlpLayerName(layer)}.bias`);
    const out = b.length;
    const y: number[] = [];
    for (let o = 0; o < out; o++) {
      let s = b[o];
      for (let i = 0; i < x.length; i++) s += w[o * x.length + i] * x[i];
      y.push(layer < arch.hiddenLayers ? Math.max(0, s) : s);
    }
    x = y;
  }
  return x;
}

function linear(weights: Weights, name: string, x: number[]): number[] {
  const w = weight(weights, `${name}.weight`);
  const b = weight(weights, `${name}.bias`);
  const y: number[] = [];
  for (let o = 0; o < b.length; o++) {
    let s = b[o];
    for (let i = 0; i < x.length; i++) s += w[o * x.length + i] * x[i];
    y.push(s);
  }
  return y;
}

/**
 * LMF (He and Jin, CVPR 2024, models/lmliif.py and lmmlp.py): the latent MLP on the unfolded code
 * gives [scales (L x H) | shifts (L x H) | latent (H)]; the render MLP reads [latent, rel, rel_cell]
 * and after hidden layer l computes x * (scale_l + 1) + shift_l before its ReLU.
 */
function lmfMember(arch: LiifArchitecture, weights: Weights, code: number[], extras: number[]): number[] {
  const mod = linear(weights, latentLayerName(1), relu1(linear(weights, latentLayerName(0), code)));
  const h = arch.hidden;
  const layers = arch.hiddenLayers;
  let x = [...mod.slice(2 * h * layers, 2 * h * layers + h), ...extras];
  if (x.length !== mlpInputSize(arch)) throw new Error('bad render MLP input size');
  for (let layer = 0; layer < layers; layer++) {
    x = linear(weights, mlpLayerName(layer), x).map(
      (v, j) => v * (mod[layer * h + j] + 1) + mod[(layers + layer) * h + j],
    );
    x = relu1(x);
  }
  return linear(weights, mlpLayerName(layers), x);
}

const relu1 = (x: number[]): number[] => x.map((v) => Math.max(0, v));

/** Nearest code index of a coordinate on an n-code axis (grid_sample nearest, align_corners=False). */
function nearestIndex(c: number, n: number): number {
  const pixel = ((c + 1) * n - 1) / 2;
  // Round half to even, as torch's nearbyint.
  const r = Math.round(pixel);
  const rounded = Math.abs(pixel - Math.trunc(pixel)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return Math.min(n - 1, Math.max(0, rounded));
}

/** Decodes RGB in [0,1] at query (y, x) with cell (cy, cx), following the formulas one by one. */
export function referenceQuery(
  arch: LiifArchitecture,
  weights: Weights,
  feat: Planes,
  query: [number, number],
  cell: [number, number],
): [number, number, number] {
  const H = feat.height;
  const W = feat.width;
  const preds: number[][] = [];
  const areas: number[] = [];
  for (const vy of [-1, 1]) {
    for (const vx of [-1, 1]) {
      const clamp = (v: number) => Math.min(1 - 1e-6, Math.max(-1 + 1e-6, v));
      const sy = clamp(query[0] + vy / H + 1e-6);
      const sx = clamp(query[1] + vx / W + 1e-6);
      const iy = nearestIndex(sy, H);
      const ix = nearestIndex(sx, W);
      // Coordinates in float32 as in the reference implementation: at odd integer scales a query
      // can sit exactly on a code centre, and the area weights then depend on these roundings.
      const centreY = centre32(iy, H);
      const centreX = centre32(ix, W);
      const relY = f32(f32(query[0] - centreY) * H);
      const relX = f32(f32(query[1] - centreX) * W);
      const extras = [relY, relX, cell[0] * H, cell[1] * W];
      if (arch.decoder === 'lmf') {
        preds.push(lmfMember(arch, weights, unfoldedCode(feat, iy, ix), extras));
      } else {
        const input = [...unfoldedCode(feat, iy, ix), ...extras];
        if (input.length !== mlpInputSize(arch)) throw new Error('bad MLP input size');
        preds.push(mlp(arch, weights, input));
      }
      areas.push(Math.abs(relY * relX) + 1e-9);
    }
  }
  const total = areas.reduce((a, b) => a + b, 0);
  const rgb: [number, number, number] = [0, 0, 0];
  for (let t = 0; t < 4; t++) {
    const wgt = areas[3 - t] / total; // diagonal swap
    for (let ch = 0; ch < 3; ch++) rgb[ch] += preds[t][ch] * wgt;
  }
  return rgb.map((v) => Math.min(1, Math.max(0, v * 0.5 + 0.5))) as [number, number, number];
}

const f32 = Math.fround;

/** Code centre c_i = -1 + r + 2 r i, r = 1/n, in float32 as torch computes make_coord. */
function centre32(i: number, n: number): number {
  const r = f32(1 / n);
  return f32(f32(r - 1) + f32(f32(2 * r) * i));
}
