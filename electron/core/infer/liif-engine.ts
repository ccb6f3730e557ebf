/**
 * A LIIF model opened on an execution provider: encoder + decoder sessions, reused across images.
 */
import { toOnnxBytes } from '../graph/onnx-export.js';
import type { LiifArchitecture, Weights } from '../model/architecture.js';
import { buildDecoderGraph } from '../model/decoder-graph.js';
import { buildEncoderGraph, type CodeLayout } from '../model/encoder-graph.js';
import {
  type FloatTensor,
  type ModelSession,
  openSessions,
  type ProviderChoice,
  type ProviderDecision,
  type SessionTuning,
} from './onnx-runtime.js';

/** ONNX models of one LIIF network: file paths (a model directory) or bytes (built in memory). */
export interface LiifModelFiles {
  readonly name: string;
  readonly architecture: LiifArchitecture;
  readonly encoder: string | Uint8Array;
  readonly decoder: string | Uint8Array;
}

/** Builds the ONNX models for weights in memory (tests, training previews, model export). */
export function buildModelFiles(
  name: string,
  architecture: LiifArchitecture,
  weights: Weights,
  layout: CodeLayout = 'factorised',
): LiifModelFiles {
  return {
    name,
    architecture,
    encoder: toOnnxBytes(buildEncoderGraph(architecture, weights, layout)),
    decoder: toOnnxBytes(buildDecoderGraph(architecture, weights, layout)),
  };
}

export class LiifEngine {
  private constructor(
    readonly model: LiifModelFiles,
    readonly decision: ProviderDecision,
    private readonly encoder: ModelSession,
    private readonly decoder: ModelSession,
  ) {}

  static async open(
    model: LiifModelFiles,
    provider: ProviderChoice = 'auto',
    tuning?: SessionTuning,
  ): Promise<LiifEngine> {
    const { sessions, decision } = await openSessions([model.encoder, model.decoder], provider, tuning);
    return new LiifEngine(model, decision, sessions[0], sessions[1]);
  }

  get architecture(): LiifArchitecture {
    return this.model.architecture;
  }

  /** Image [1,3,h,w] in [0,1], planar -> codes [1,h,w,K]. */
  async encode(image: Float32Array, height: number, width: number): Promise<FloatTensor> {
    const [codes] = await this.encoder.run({ image: { data: image, dims: [1, 3, height, width] } }, [
      'codes',
    ]);
    return codes;
  }

  /**
   * Decodes queries against codes of a window of the whole LR map.
   * @param window (y0, x0, H, W): window origin and the whole map's size, in codes.
   * @returns RGB in [0,1], interleaved [Q*3].
   */
  async decode(
    codes: FloatTensor,
    coord: Float32Array,
    cell: Float32Array,
    window: readonly [number, number, number, number],
  ): Promise<Float32Array> {
    const q = coord.length / 2;
    const [rgb] = await this.decoder.run(
      {
        codes,
        coord: { data: coord, dims: [1, q, 2] },
        cell: { data: cell, dims: [1, q, 2] },
        window: { data: Float32Array.from(window), dims: [4] },
      },
      ['rgb'],
    );
    return rgb.data;
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}
