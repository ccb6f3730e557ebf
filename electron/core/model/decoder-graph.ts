import { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphIR, Value } from '../graph/graph-ir.js';
import {
  decoderKind,
  type LiifArchitecture,
  mlpLayerName,
  unfoldedChannels,
  type Weights,
} from './architecture.js';
import { type CodeLayout, codeChannels, paramSource } from './encoder-graph.js';

/** Local-ensemble shifts (dy, dx) in the reference's loop order: t = 0..3; weights swap t <-> 3 - t. */
const ENSEMBLE_SHIFTS = [-1, -1, -1, 1, 1, -1, 1, 1];
/** The reference's epsilon added to every shift, and the clamp margin (../shared/LIIF.md). */
const EPS_SHIFT = 1e-6;

/**
 * LIIF query decoding (../shared/LIIF.md "Decoding one query"), batched over images:
 * codes [N,h,w,K] (see CodeLayout), coord [N,Q,2] and cell [N,Q,2] in (y, x) order on [-1,1],
 * window [4] = (y0, x0, H, W)
 * -> prediction [N,Q,3] in the normalised space (before * 0.5 + 0.5). Training takes this value.
 *
 * All four ensemble members are decoded in one pass as an extra axis: [N,4,Q,...]. The gathering,
 * the relative coordinates and the area weights are the same for both decoders; only the per-query
 * network differs (LIIF's MLP on the unfolded code, or LMF's modulated render MLP).
 */
export function addLiifQuery(
  g: GraphBuilder,
  arch: LiifArchitecture,
  weights: Weights,
  codes: Value,
  coord: Value,
  cell: Value,
  window: Value,
  layout: CodeLayout,
): Value {
  const p = paramSource(g, arch, weights);
  const k = codeChannels(arch, layout);

  // The codes may be a window of a larger map (a tile plus its halo): `window` = (y0, x0, H, W) gives
  // the window's origin and the whole map's size in codes, so every coordinate is computed exactly
  // as for the whole map and tiled output equals untiled output. Training passes (0, 0, h, w).
  const shape = g.shape(codes);
  const n = g.gather(shape, g.constInt(0), 0);
  const localSize = g.cast(g.slice(shape, [1], [3], [0]), 'float32'); // (h, w)
  const localW = g.slice(localSize, [1], [2], [0]);
  const localMax = g.sub(localSize, g.constFloat(1));
  const origin = g.slice(window, [0], [2], [0]);
  const hwFloat = g.slice(window, [2], [4], [0]);

  // Shifted, clamped query coordinates [N,4,Q,2]: shift = v / size + eps (half a code each way).
  const shift = g.add(g.div(g.constFloat(ENSEMBLE_SHIFTS, [4, 2]), hwFloat), g.constFloat(EPS_SHIFT));
  const coord4 = g.unsqueeze(coord, [1]);
  const shifted = g.clip(g.add(coord4, g.reshape(shift, [1, 4, 1, 2])), -1 + EPS_SHIFT, 1 - EPS_SHIFT);

  // Nearest code, as grid_sample(mode='nearest', align_corners=False): round(((c + 1) * size - 1) / 2).
  const one = g.constFloat(1);
  const pixel = g.div(g.sub(g.mul(g.add(shifted, one), hwFloat), one), g.constFloat(2));
  // floor(x + 0.5) rather than Round: WebGPU has no Round kernel. They differ only at exact .5
  // ties, which the reference's 1e-6 shift keeps queries away from.
  const nearest = g.floor(g.add(pixel, g.constFloat(0.5)));
  // Row within the window, kept inside it for safety (the planner's halo already guarantees it).
  const local = g.min(g.max(g.sub(nearest, origin), g.constFloat(0)), localMax);
  // Row index into the flattened codes, computed in float32 (exact below 2^24 codes, which the
  // tile planner guarantees: indexRowsPerCode) so the heavy index maths stays on GPU providers without int64 kernels.
  const iy = g.gather(local, g.constInt(0), 3);
  const ix = g.gather(local, g.constInt(1), 3);
  const codesPerImage = g.reduceProd(localSize);
  const batchIndex = g.cast(g.range(g.constInt(0), n, g.constInt(1)), 'float32');
  const batchOffset = g.reshape(g.mul(batchIndex, codesPerImage), [-1, 1, 1]);
  const flatCode = g.add(g.add(g.mul(iy, localW), ix), batchOffset);
  const lmfFolded = decoderKind(arch) === 'lmf' && layout === 'factorised';
  // A folded LMF code is 2L rows of H (gains, offsets); each row has its own gather, straight from
  // the codes seen as a table of H-wide rows, so every gathered tensor is used as it is: gathering
  // all 192 channels and slicing 16 off every query's copy was the costliest step of the decoder.
  const gathered = lmfFolded
    ? lmfRowGathers(g, arch, codes, flatCode) // 2L x [N,4,Q,H]
    : [g.gather(g.reshape(codes, [-1, k]), g.cast(flatCode, 'int64'), 0)]; // [N,4,Q,K]

  // rel = (query - code centre) * size, with the centre of code i written as make_coord does:
  // (-1 + r) + (2r) * i, r = 1 / size. At odd integer scales some queries sit exactly on a code
  // centre and the ensemble weights then hang on these roundings, so the formula is fixed here.
  const r = g.div(one, hwFloat);
  const centre = g.add(g.sub(r, one), g.mul(g.mul(r, g.constFloat(2)), nearest));
  const rel = g.mul(g.sub(coord4, centre), hwFloat); // [N,4,Q,2]
  const relCell = g.mul(cell, hwFloat); // [N,Q,2]
  const relCell4 = g.expand(g.unsqueeze(relCell, [1]), g.shape(rel)); // [N,4,Q,2]
  const extras = g.concat([rel, relCell4], 3); // [N,4,Q,4]

  const pred = lmfFolded
    ? addFoldedRenderMlp(g, arch, p, gathered, extras)
    : decoderKind(arch) === 'lmf'
      ? addRenderMlp(g, arch, p, gathered[0], extras)
      : addQueryMlp(g, arch, p, gathered[0], extras, layout); // [N,4,Q,3]

  // Area weights with the diagonal swap: member t is weighted by the area of member 3 - t.
  const relY = g.slice(rel, [0], [1], [3]);
  const relX = g.slice(rel, [1], [2], [3]);
  const area = g.add(g.abs(g.mul(relY, relX)), g.constFloat(1e-9)); // [N,4,Q,1]
  const total = g.reduceSum(area, [1], true);
  const swapped = g.gather(area, g.constInt([3, 2, 1, 0]), 1);
  return g.reduceSum(g.mul(pred, g.div(swapped, total)), [1], false); // [N,Q,3]
}

type Param = (name: string) => Value;

/** LIIF's MLP on [code, rel, rel_cell]; in the factorised layout the code is already W1_feature z. */
function addQueryMlp(
  g: GraphBuilder,
  arch: LiifArchitecture,
  p: Param,
  gathered: Value,
  extras: Value,
  layout: CodeLayout,
): Value {
  // First layer: W1 = [W1_feature (9C) | W1_extra (4)].
  const first = mlpLayerName(0);
  const w1 = p(`${first}.weight`);
  const nine = unfoldedChannels(arch);
  let x: Value;
  if (layout === 'factorised') {
    const w1Extra = g.slice(w1, [nine], [nine + 4], [1]);
    x = g.add(g.add(gathered, g.matmul(extras, g.transpose(w1Extra, [1, 0]))), p(`${first}.bias`));
  } else {
    x = g.linear(g.concat([gathered, extras], 3), w1, p(`${first}.bias`));
  }
  for (let layer = 1; layer <= arch.hiddenLayers; layer++) {
    const name = mlpLayerName(layer);
    x = g.linear(g.relu(x), p(`${name}.weight`), p(`${name}.bias`));
  }
  return x;
}

/**
 * Folded LMF codes [N,h,w,2LH] -> for each of the 2L rows (gains of layers 0..L-1, then offsets)
 * that row of every query's code, [N,4,Q,H]: row i of code c is row 2L c + i of the codes viewed as
 * [N h w 2L, H], so no copy of the codes is made per decoder call.
 */
function lmfRowGathers(g: GraphBuilder, arch: LiifArchitecture, codes: Value, code: Value): Value[] {
  const rows = 2 * arch.hiddenLayers;
  const table = g.reshape(codes, [-1, arch.hidden]);
  // In float32 like the code index (GPU providers lack int64 arithmetic): exact while the window
  // holds fewer than 2^24 rows, which sizeTiles keeps (indexRowsPerCode).
  const first = g.mul(code, g.constFloat(rows));
  return Array.from({ length: rows }, (_, i) =>
    g.gather(table, g.cast(g.add(first, g.constFloat(i)), 'int64'), 0),
  );
}

/**
 * Rows of the decoder's gather table per code: the decoder's index maths runs in float32, exact
 * below 2^24, so a window of codes may hold at most 2^24 / indexRowsPerCode codes.
 */
export function indexRowsPerCode(arch: LiifArchitecture): number {
  return decoderKind(arch) === 'lmf' ? 2 * arch.hiddenLayers : 1;
}

/**
 * LMF's render MLP on folded codes, 2L gathered rows [N,4,Q,H] (see CodeLayout): hidden layer l is
 * (W_l x) gain_l + offset_l, its first layer taking only (rel, rel_cell) since the latent's product
 * is in offset_0. The same function as addRenderMlp, fewer operations per query.
 */
function addFoldedRenderMlp(
  g: GraphBuilder,
  arch: LiifArchitecture,
  p: Param,
  gathered: Value[],
  extras: Value,
): Value {
  const width = arch.hidden;
  const layers = arch.hiddenLayers;
  const row = (i: number) => gathered[i];
  const w0Extra = g.slice(p(`${mlpLayerName(0)}.weight`), [width], [width + 4], [1]);
  let x = extras;
  for (let layer = 0; layer < layers; layer++) {
    const weight = layer === 0 ? w0Extra : p(`${mlpLayerName(layer)}.weight`);
    const input = layer === 0 ? x : g.relu(x);
    x = g.add(g.mul(g.matmul(input, g.transpose(weight, [1, 0])), row(layer)), row(layers + layer));
  }
  const out = mlpLayerName(layers);
  return g.linear(g.relu(x), p(`${out}.weight`), p(`${out}.bias`));
}

/**
 * LMF's render MLP: input [latent, rel, rel_cell]; after every hidden linear layer the code's own
 * modulation, x * (1 + scale) + shift (the reference adds 1 so zero modulations leave x as it is),
 * then ReLU; a plain linear output layer. The code channels are (scales | shifts | latent).
 */
function addRenderMlp(
  g: GraphBuilder,
  arch: LiifArchitecture,
  p: Param,
  gathered: Value,
  extras: Value,
): Value {
  const width = arch.hidden;
  const layers = arch.hiddenLayers;
  const channels = (start: number) => g.slice(gathered, [start], [start + width], [3]);
  const latent = channels(2 * width * layers);
  let x = g.concat([latent, extras], 3);
  const one = g.constFloat(1);
  for (let layer = 0; layer < layers; layer++) {
    const name = mlpLayerName(layer);
    x = g.linear(layer === 0 ? x : g.relu(x), p(`${name}.weight`), p(`${name}.bias`));
    const scale = channels(layer * width);
    const shift = channels((layers + layer) * width);
    x = g.add(g.mul(x, g.add(scale, one)), shift);
  }
  const out = mlpLayerName(layers);
  return g.linear(g.relu(x), p(`${out}.weight`), p(`${out}.bias`));
}

/** Standalone decoder model: inputs `codes`, `coord`, `cell`, `window` -> output `rgb` [N,Q,3] in [0,1]. */
export function buildDecoderGraph(arch: LiifArchitecture, weights: Weights, layout: CodeLayout): GraphIR {
  const g = new GraphBuilder(`liif_decoder_${layout}`);
  const codes = g.input('codes', 'float32', ['N', 'h', 'w', codeChannels(arch, layout)]);
  const coord = g.input('coord', 'float32', ['N', 'Q', 2]);
  const cell = g.input('cell', 'float32', ['N', 'Q', 2]);
  const window = g.input('window', 'float32', [4]);
  const pred = addLiifQuery(g, arch, weights, codes, coord, cell, window, layout);
  const rgb = g.clip(g.add(g.mul(pred, g.constFloat(0.5)), g.constFloat(0.5)), 0, 1);
  g.output(g.named(rgb, 'rgb'), 'float32', ['N', 'Q', 3]);
  return g.build();
}
