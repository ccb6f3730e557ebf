/**
 * One forward + backward pass on ONNX Runtime: the training graph (see training-graph.ts) takes the
 * batch and the current parameters, and returns the loss and one gradient per parameter.
 */
import { toOnnxBytes } from '../graph/onnx-export.js';
import {
  type FloatTensor,
  type ModelSession,
  openSessions,
  type ProviderChoice,
  type ProviderDecision,
} from '../infer/onnx-runtime.js';
import { allParams, type LiifArchitecture, type Weights } from '../model/architecture.js';
import { gradName } from './autodiff.js';
import type { TrainingBatch } from './data/sampler.js';
import { buildLiifTrainingGraph, type TrainingMode, trainableParams } from './training-graph.js';

export class TrainStep {
  private constructor(
    private readonly session: ModelSession,
    readonly decision: ProviderDecision,
    readonly trainable: readonly string[],
    private readonly shapes: ReadonlyMap<string, readonly number[]>,
  ) {}

  /**
   * Builds the training graph for `mode`. Parameters outside the mode are baked into the graph as
   * constants from `weights` (the encoder in decoder-only mode), so a new TrainStep is needed if
   * those change.
   */
  static async open(
    arch: LiifArchitecture,
    weights: Weights,
    mode: TrainingMode,
    provider: ProviderChoice,
  ): Promise<TrainStep> {
    const graph = buildLiifTrainingGraph(arch, weights, { layout: 'factorised', mode });
    const { sessions, decision } = await openSessions([toOnnxBytes(graph)], provider, { arena: true });
    const shapes = new Map(allParams(arch).map((p) => [p.name, p.shape]));
    return new TrainStep(sessions[0], decision, trainableParams(arch, mode), shapes);
  }

  /** Returns the batch's mean L1 loss and the gradient of every trainable parameter. */
  async run(
    batch: TrainingBatch,
    weights: Weights,
  ): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
    const b = batch.size;
    const q = batch.queries;
    const s = batch.lrSize;
    const feeds: Record<string, FloatTensor> = {
      lr: { data: batch.lr, dims: [b, 3, s, s] },
      coord: { data: batch.coord, dims: [b, q, 2] },
      cell: { data: batch.cell, dims: [b, q, 2] },
      gt: { data: batch.gt, dims: [b, q, 3] },
    };
    for (const name of this.trainable)
      feeds[name] = { data: weights.get(name)!, dims: this.shapes.get(name)! };
    const outputs = await this.session.run(feeds, ['loss', ...this.trainable.map(gradName)]);
    const grads = new Map(this.trainable.map((name, i) => [name, outputs[i + 1].data]));
    return { loss: outputs[0].data[0], grads };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
