/**
 * The LIIF architecture as data: every parameter's name and shape, in the reference
 * implementation's state_dict naming, so a PyTorch checkpoint converted to safetensors
 * loads unchanged (../shared/LIIF.md: EDSR-baseline encoder + 5-layer MLP).
 *
 * Two decoders share the encoder, the coordinates and the local ensemble:
 * - 'mlp' (LIIF's exact decoder): a 256-wide MLP runs per query on the 3x3-unfolded code.
 * - 'lmf' (latent-modulated, He and Jin, CVPR 2024): a latent MLP ("hypernet") runs once per LR
 *   code on the unfolded feature and outputs a small latent vector plus a scale and a shift for every
 *   hidden layer of a narrow render MLP ("imnet"), which is all that runs per query.
 */

export type DecoderKind = 'mlp' | 'lmf';

export interface LiifArchitecture {
  /** Encoder feature channels (64 for EDSR-baseline). */
  readonly features: number;
  /** Residual blocks in the encoder body (16 for EDSR-baseline). */
  readonly resBlocks: number;
  /** Hidden width of the per-query MLP (256 for LIIF's MLP, 16 for LMF's render MLP). */
  readonly hidden: number;
  /** Hidden layers of the per-query MLP, plus one output layer (4 for LIIF's, 6 for LMF's). */
  readonly hiddenLayers: number;
  /** Which decoder; absent means 'mlp' (every model made before LMF). */
  readonly decoder?: DecoderKind;
  /** LMF only: width of the latent MLP's hidden layer (208 in the paper's EDSR-baseline config). */
  readonly latentHidden?: number;
}

export const EDSR_BASELINE_LIIF: LiifArchitecture = {
  features: 64,
  resBlocks: 16,
  hidden: 256,
  hiddenLayers: 4,
};

/** The paper's EDSR-baseline LMF-LIIF: render MLP 6 x 16 with scale and shift, latent MLP [208]. */
export const EDSR_BASELINE_LMF: LiifArchitecture = {
  features: 64,
  resBlocks: 16,
  hidden: 16,
  hiddenLayers: 6,
  decoder: 'lmf',
  latentHidden: 208,
};

export function decoderKind(arch: LiifArchitecture): DecoderKind {
  return arch.decoder ?? 'mlp';
}

/**
 * LMF's per-code output, in the reference's channel order: the scales of every hidden layer
 * (hiddenLayers x hidden), then their shifts, then the latent vector (hidden) the render MLP reads.
 */
export function lmfCodeChannels(arch: LiifArchitecture): number {
  return 2 * arch.hidden * arch.hiddenLayers + arch.hidden;
}

/** LMF's latent-MLP hidden width, 208 when model.json does not say. */
export function lmfLatentHidden(arch: LiifArchitecture): number {
  return arch.latentHidden ?? 208;
}

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** Fan-in, used by the default initialiser (PyTorch's kaiming-uniform(a=sqrt 5) bound = 1/sqrt(fanIn)). */
  readonly fanIn: number;
}

/** Unfolded feature size: 3x3 neighbourhood, channel-major (c*9 + ky*3 + kx), as torch's unfold. */
export function unfoldedChannels(arch: LiifArchitecture): number {
  return arch.features * 9;
}

/** Per-query MLP input: [z (9C) or LMF's latent (hidden), rel (2), rel_cell (2)]. */
export function mlpInputSize(arch: LiifArchitecture): number {
  return (decoderKind(arch) === 'lmf' ? arch.hidden : unfoldedChannels(arch)) + 4;
}

function conv(name: string, cout: number, cin: number): ParamSpec[] {
  const fanIn = cin * 9;
  return [
    { name: `${name}.weight`, shape: [cout, cin, 3, 3], fanIn },
    { name: `${name}.bias`, shape: [cout], fanIn },
  ];
}

function linear(name: string, cout: number, cin: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [cout, cin], fanIn: cin },
    { name: `${name}.bias`, shape: [cout], fanIn: cin },
  ];
}

/** Encoder parameters: head conv, resBlocks x (conv, relu, conv), tail conv of the body. */
export function encoderParams(arch: LiifArchitecture): ParamSpec[] {
  const f = arch.features;
  const specs = [...conv('encoder.head.0', f, 3)];
  for (let i = 0; i < arch.resBlocks; i++) {
    specs.push(...conv(`encoder.body.${i}.body.0`, f, f), ...conv(`encoder.body.${i}.body.2`, f, f));
  }
  specs.push(...conv(`encoder.body.${arch.resBlocks}`, f, f));
  return specs;
}

/** Name of the MLP's k-th linear layer (0-based), as nn.Sequential indices 0, 2, 4, 6, 8. */
export function mlpLayerName(k: number): string {
  return `imnet.layers.${2 * k}`;
}

/** Name of LMF's latent MLP's k-th linear layer (0 or 1), as the reference's `hypernet.layers`. */
export function latentLayerName(k: number): string {
  return `hypernet.layers.${2 * k}`;
}

export function decoderParams(arch: LiifArchitecture): ParamSpec[] {
  const specs: ParamSpec[] = [];
  if (decoderKind(arch) === 'lmf') {
    const latentHidden = lmfLatentHidden(arch);
    specs.push(
      ...linear(latentLayerName(0), latentHidden, unfoldedChannels(arch)),
      ...linear(latentLayerName(1), lmfCodeChannels(arch), latentHidden),
    );
  }
  let cin = mlpInputSize(arch);
  for (let k = 0; k < arch.hiddenLayers; k++) {
    specs.push(...linear(mlpLayerName(k), arch.hidden, cin));
    cin = arch.hidden;
  }
  specs.push(...linear(mlpLayerName(arch.hiddenLayers), 3, cin));
  return specs;
}

export function allParams(arch: LiifArchitecture): ParamSpec[] {
  return [...encoderParams(arch), ...decoderParams(arch)];
}

/** Parameters by name: the in-memory form of weights.safetensors. */
export type Weights = Map<string, Float32Array>;

export function parameterCount(arch: LiifArchitecture): number {
  return allParams(arch).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}
