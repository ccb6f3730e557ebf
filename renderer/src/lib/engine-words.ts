/**
 * The engine in a photographer's words for the status bar ("Using the processor (CPU)"), with the
 * technical reason kept for the tooltip. The runtime's own reasons ("cuda: CUDA not installed (run
 * `npm run setup:cuda`); ...; using cpu") are for developers.
 */

const DEVICE: Record<string, string> = {
  cpu: 'the processor (CPU)',
  cuda: 'the NVIDIA graphics card (CUDA)',
  dml: 'the graphics card (DirectML)',
  webgpu: 'the graphics card (WebGPU)',
  coreml: "the Mac's graphics and neural engine (Core ML)",
};

export interface EngineWords {
  /** "Using the processor (CPU)". */
  readonly using: string;
  /** A hint worth showing, or undefined: "Faster with an NVIDIA graphics card: see the README's set-up". */
  readonly hint?: string;
  /** The engine runs, but far slower than it could, or not on what the user chose: amber, not green. */
  readonly warn?: boolean;
}

export function engineWords(provider: string | undefined, reason: string | undefined): EngineWords {
  const using = `Using ${DEVICE[provider ?? ''] ?? provider ?? 'an unknown device'}`;
  const text = reason ?? '';
  // The worker's words after a GPU failed mid-job (inference-worker.ts withFallback).
  if (provider === 'webgpu' && /software adapter/i.test(text))
    return {
      using: 'Using WebGPU in software (no graphics card found)',
      hint: 'about 20 times slower than the processor: choose "Auto" or "CPU" under Engine in Settings',
      warn: true,
    };
  if (provider === 'cpu' && /failed while running the model/i.test(text))
    return {
      using,
      warn: true,
      hint: 'the graphics card failed during a photo, so the processor took over (that photo was redone); change the engine in Settings to try the graphics card again',
    };
  if (provider === 'cpu' && /CUDA not installed/i.test(text))
    return {
      using,
      hint: 'Faster with an NVIDIA graphics card: see "NVIDIA GPUs" in the README to set it up',
    };
  if (provider === 'webgpu' && /requested/i.test(text) && !/adapter/i.test(text))
    return {
      using,
      hint: 'chosen by hand: on a computer without a graphics card this is much slower than the CPU',
    };
  return { using };
}
