import { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphIR } from '../graph/graph-ir.js';
import {
  allParams,
  decoderParams,
  encoderParams,
  type LiifArchitecture,
  type Weights,
} from '../model/architecture.js';
import { addLiifQuery } from '../model/decoder-graph.js';
import { addEdsrEncoder, addLatentCodes, type CodeLayout } from '../model/encoder-graph.js';
import { type DifferentiateOptions, differentiate } from './autodiff.js';
import { addL1Loss } from './liif-loss.js';

/**
 * 'full' trains every parameter; 'decoder-only' keeps the encoder fixed and trains imnet.* only;
 * 'decoder-and-tail' also trains the encoder's last TAIL_BLOCKS residual blocks and its body's
 * closing conv: the features can change, while the backward pass stops halfway through the
 * encoder and its head (the layers nearest the pixels) stays as trained.
 */
export type TrainingMode = 'full' | 'decoder-only' | 'decoder-and-tail';

/**
 * Residual blocks at the end of the encoder's body that 'decoder-and-tail' trains: half of
 * EDSR-baseline's 16. Measured as fast-mode fine-tuning at a plain 1e-4 (10 minutes, one core, x4
 * on 20 unseen text pages; models/README.md): the decoder alone +0.06 dB, with 1 block +0.13, 4
 * blocks +0.51, 8 blocks +0.98, in 265, 224, 198 and 153 steps, against 126 for the whole model.
 */
export const TAIL_BLOCKS = 8;

/** The encoder's last `blocks` residual blocks and the body's closing conv. */
function encoderTail(arch: LiifArchitecture, blocks: number): string[] {
  const prefixes = [`encoder.body.${arch.resBlocks}.`];
  for (let i = Math.max(0, arch.resBlocks - blocks); i < arch.resBlocks; i++)
    prefixes.push(`encoder.body.${i}.`);
  return encoderParams(arch)
    .map((p) => p.name)
    .filter((name) => prefixes.some((prefix) => name.startsWith(prefix)));
}

export interface TrainingGraphOptions extends DifferentiateOptions {
  readonly layout: CodeLayout;
  readonly mode: TrainingMode;
}

/** Names of the parameters that get gradients (and are graph inputs) in a training mode. */
export function trainableParams(arch: LiifArchitecture, mode: TrainingMode): string[] {
  if (mode === 'full') return allParams(arch).map((p) => p.name);
  const decoder = decoderParams(arch).map((p) => p.name);
  return mode === 'decoder-only' ? decoder : [...encoderTail(arch, TAIL_BLOCKS), ...decoder];
}

/**
 * The forward half of a training step: inputs `lr` [N,3,H,W] in [0,1], `coord` and `cell` [N,Q,2]
 * ((y, x) on [-1,1]), `gt` [N,Q,3] in [0,1]; output `loss` (scalar L1). Parameters are trainable
 * initializers built from `weights`. Also usable alone, as a validation-loss graph.
 *
 * The forward pass is the inference graphs' own code (encoder, latent codes, query decoder), so
 * training optimises exactly the function that is shipped; the factorised first layer is the same
 * function as the plain one, only cheaper.
 */
export function buildLiifLossGraph(arch: LiifArchitecture, weights: Weights, layout: CodeLayout): GraphIR {
  const g = new GraphBuilder(`liif_loss_${layout}`);
  const lr = g.input('lr', 'float32', ['N', 3, 'H', 'W']);
  const coord = g.input('coord', 'float32', ['N', 'Q', 2]);
  const cell = g.input('cell', 'float32', ['N', 'Q', 2]);
  const gt = g.input('gt', 'float32', ['N', 'Q', 3]);
  const codes = addLatentCodes(g, arch, weights, addEdsrEncoder(g, arch, weights, lr), layout);
  // The whole map is the window: (0, 0, h, w), measured from the codes.
  const hw = g.cast(g.slice(g.shape(codes), [1], [3], [0]), 'float32');
  const window = g.concat([g.constFloat([0, 0]), hw], 0);
  const pred = addLiifQuery(g, arch, weights, codes, coord, cell, window, layout);
  g.output(g.named(addL1Loss(g, pred, gt), 'loss'), 'float32', []);
  return g.build();
}

/**
 * One LIIF training step as an ONNX graph: the loss graph's inputs plus every trainable parameter
 * under its state_dict name; outputs `loss` and `grad/<name>` per trainable parameter. Parameters
 * outside the mode stay constants in the graph, built from `weights`.
 */
export function buildLiifTrainingGraph(
  arch: LiifArchitecture,
  weights: Weights,
  opts: TrainingGraphOptions,
): GraphIR {
  const forward = buildLiifLossGraph(arch, weights, opts.layout);
  return differentiate(forward, 'loss', trainableParams(arch, opts.mode), opts);
}
