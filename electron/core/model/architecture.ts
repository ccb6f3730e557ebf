/**
 * The LIIF architecture as data: every parameter's name and shape, in the reference
 * implementation's state_dict naming, so a PyTorch checkpoint converted to safetensors
 * loads unchanged (../shared/LIIF.md: EDSR-baseline encoder + 5-layer MLP).
 */

export interface LiifArchitecture {
  /** Encoder feature channels (64 for EDSR-baseline). */
  readonly features: number;
  /** Residual blocks in the encoder body (16 for EDSR-baseline). */
  readonly resBlocks: number;
  /** Hidden width of the MLP (256). */
  readonly hidden: number;
  /** Number of hidden layers of the MLP: 4 hidden + 1 output = 5 linear layers. */
  readonly hiddenLayers: number;
}

export const EDSR_BASELINE_LIIF: LiifArchitecture = {
  features: 64,
  resBlocks: 16,
  hidden: 256,
  hiddenLayers: 4,
};

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

/** MLP input: [z (9C), rel (2), rel_cell (2)]. */
export function mlpInputSize(arch: LiifArchitecture): number {
  return unfoldedChannels(arch) + 4;
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

export function decoderParams(arch: LiifArchitecture): ParamSpec[] {
  const specs: ParamSpec[] = [];
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
