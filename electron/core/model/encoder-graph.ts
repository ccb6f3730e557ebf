import type { GraphBuilder } from '../graph/graph-builder.js';
import { GraphBuilder as Builder } from '../graph/graph-builder.js';
import type { GraphIR, Value } from '../graph/graph-ir.js';
import {
  allParams,
  decoderKind,
  type LiifArchitecture,
  latentLayerName,
  lmfCodeChannels,
  lmfLatentHidden,
  mlpLayerName,
  unfoldedChannels,
  type Weights,
} from './architecture.js';

/**
 * How latent codes are handed to the decoder, always channels-last [N, h, w, K] so the decoder can
 * gather one code per query with a single row lookup:
 * - 'factorised': K = hidden (256). The first MLP layer's 576 feature inputs are applied once per
 *   code (../shared/LIIF.md "Cost"). Unfold + 1x1 projection equals a 3x3 convolution whose kernel is
 *   that weight block reshaped to [hidden, C, 3, 3], because torch's unfold order is c*9 + ky*3 + kx.
 * - 'plain': K = 9C (576), the unfolded feature map itself, as in the paper.
 * An LMF model's codes:
 * - 'plain': its latent MLP's output as the paper has it (K = lmfCodeChannels, 208: scales, shifts,
 *   latent), the first layer on the explicit unfold; tests compare the shipped form against it.
 * - 'factorised' (shipped): the latent MLP's first layer as the equivalent 3x3 convolution, and
 *   everything of the render MLP that depends on the code alone folded in once per code: hidden
 *   layer l computes (W_l x + b_l) (1 + s_l) + t_l = (W_l x) g_l + o_l with gain g_l = 1 + s_l and
 *   offset o_l = b_l g_l + t_l, and the first layer's latent part W_0,latent z joins o_0. K = 2 L H
 *   (192): the gains, then the offsets; per query only the products with x remain.
 */
export type CodeLayout = 'factorised' | 'plain';

export function codeChannels(arch: LiifArchitecture, layout: CodeLayout): number {
  if (decoderKind(arch) === 'lmf')
    return layout === 'factorised' ? 2 * arch.hidden * arch.hiddenLayers : lmfCodeChannels(arch);
  return layout === 'factorised' ? arch.hidden : unfoldedChannels(arch);
}

/** Returns a function that adds (once) and returns the named parameter. */
export function paramSource(
  g: GraphBuilder,
  arch: LiifArchitecture,
  weights: Weights,
): (name: string) => Value {
  const shapes = new Map(allParams(arch).map((p) => [p.name, p.shape]));
  return (name) => {
    const shape = shapes.get(name);
    const data = weights.get(name);
    if (!shape || !data) throw new Error(`missing parameter ${name}`);
    return g.param(name, shape, data);
  };
}

/** EDSR-baseline without upsampling: image [N,3,H,W] in [0,1] -> features [N,C,H,W]. */
export function addEdsrEncoder(
  g: GraphBuilder,
  arch: LiifArchitecture,
  weights: Weights,
  image: Value,
): Value {
  const p = paramSource(g, arch, weights);
  const conv = (x: Value, name: string) => g.conv(x, p(`${name}.weight`), p(`${name}.bias`), 1);
  // (x - 0.5) / 0.5, as the reference's data normalisation.
  const normalised = g.div(g.sub(image, g.constFloat(0.5)), g.constFloat(0.5));
  const head = conv(normalised, 'encoder.head.0');
  let x = head;
  for (let i = 0; i < arch.resBlocks; i++) {
    const inner = conv(g.relu(conv(x, `encoder.body.${i}.body.0`)), `encoder.body.${i}.body.2`);
    x = g.add(x, inner);
  }
  x = conv(x, `encoder.body.${arch.resBlocks}`);
  return g.add(x, head);
}

/** Features [N,C,h,w] -> latent codes [N,h,w,K] in the given layout. */
export function addLatentCodes(
  g: GraphBuilder,
  arch: LiifArchitecture,
  weights: Weights,
  feat: Value,
  layout: CodeLayout,
): Value {
  const c = arch.features;
  if (decoderKind(arch) === 'lmf') return addLmfLatentCodes(g, arch, weights, feat, layout);
  if (layout === 'factorised') {
    const w1 = paramSource(g, arch, weights)(`${mlpLayerName(0)}.weight`);
    const w1Feature = g.reshape(g.slice(w1, [0], [9 * c], [1]), [arch.hidden, c, 3, 3]);
    return g.transpose(g.conv(feat, w1Feature, undefined, 1), [0, 2, 3, 1]);
  }
  return addUnfold(g, arch, feat);
}

/**
 * LMF's latent MLP, once per code: unfolded feature (9C) -> ReLU(linear) -> linear -> modulations
 * and latent. Unlike the reference, the cell is not an input here: the codes then depend on the
 * photo only, not on the output size, so one encoding serves every scale (the codes cache, the
 * region preview's size changes); the cell still reaches the render MLP with every query.
 */
function addLmfLatentCodes(
  g: GraphBuilder,
  arch: LiifArchitecture,
  weights: Weights,
  feat: Value,
  layout: CodeLayout,
): Value {
  const p = paramSource(g, arch, weights);
  const first = latentLayerName(0);
  const second = latentLayerName(1);
  let hidden: Value;
  if (layout === 'factorised') {
    const kernel = g.reshape(p(`${first}.weight`), [lmfLatentHidden(arch), arch.features, 3, 3]);
    hidden = g.transpose(g.conv(feat, kernel, p(`${first}.bias`), 1), [0, 2, 3, 1]);
  } else {
    hidden = g.linear(addUnfold(g, arch, feat), p(`${first}.weight`), p(`${first}.bias`));
  }
  const mod = g.linear(g.relu(hidden), p(`${second}.weight`), p(`${second}.bias`));
  return layout === 'factorised' ? foldModulations(g, arch, p, mod) : mod;
}

/** The latent MLP's output [N,h,w,(2L+1)H] -> gains and offsets [N,h,w,2LH] (see CodeLayout). */
function foldModulations(
  g: GraphBuilder,
  arch: LiifArchitecture,
  p: (name: string) => Value,
  mod: Value,
): Value {
  const width = arch.hidden;
  const layers = arch.hiddenLayers;
  const part = (i: number) => g.slice(mod, [i * width], [(i + 1) * width], [3]);
  const w0Latent = g.slice(p(`${mlpLayerName(0)}.weight`), [0], [width], [1]);
  const latentTerm = g.matmul(part(2 * layers), g.transpose(w0Latent, [1, 0]));
  const gains: Value[] = [];
  const offsets: Value[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const gain = g.add(part(layer), g.constFloat(1));
    const bias = p(`${mlpLayerName(layer)}.bias`);
    const before = layer === 0 ? g.add(latentTerm, bias) : bias;
    gains.push(gain);
    offsets.push(g.add(g.mul(before, gain), part(layers + layer)));
  }
  return g.concat([...gains, ...offsets], 3);
}

/** Features [N,C,h,w] -> the 3x3 unfolded map [N,h,w,9C], channel order c*9 + ky*3 + kx. */
function addUnfold(g: GraphBuilder, arch: LiifArchitecture, feat: Value): Value {
  const c = arch.features;
  // Unfold 3x3 with zero padding: stack the 9 shifted views on a new axis after the channel axis,
  // so the flattened channel index is c*9 + ky*3 + kx, as torch's F.unfold.
  const padded = g.pad(feat, [0, 0, 1, 1, 0, 0, 1, 1]);
  const hw = g.slice(g.shape(feat), [2], [4], [0]);
  const views: Value[] = [];
  for (let ky = 0; ky < 3; ky++) {
    for (let kx = 0; kx < 3; kx++) {
      const start = g.constInt([ky, kx]);
      const view = g.node('Slice', [padded, start, g.add(hw, start), g.constInt([2, 3])])[0];
      views.push(g.unsqueeze(view, [2]));
    }
  }
  const stacked = g.concat(views, 2);
  const featShape = g.shape(feat);
  const nchwShape = g.concat([g.slice(featShape, [0], [1], [0]), g.constInt([9 * c]), hw], 0);
  const nchw = g.reshape(stacked, nchwShape);
  return g.transpose(nchw, [0, 2, 3, 1]);
}

/** Standalone encoder model: input `image` [N,3,H,W] -> output `codes` [N,H,W,K]. */
export function buildEncoderGraph(arch: LiifArchitecture, weights: Weights, layout: CodeLayout): GraphIR {
  const g = new Builder(`liif_encoder_${layout}`);
  const image = g.input('image', 'float32', ['N', 3, 'H', 'W']);
  const codes = addLatentCodes(g, arch, weights, addEdsrEncoder(g, arch, weights, image), layout);
  g.output(g.named(codes, 'codes'), 'float32', ['N', 'H', 'W', codeChannels(arch, layout)]);
  return g.build();
}
