import { describe, expect, it } from 'vitest';
import { engineWords } from '../../../../renderer/src/lib/engine-words.js';

describe('the engine in plain words', () => {
  it('names the device, not the runtime, and turns the CUDA set-up into a hint', () => {
    expect(
      engineWords('cpu', 'cuda: CUDA not installed (run `npm run setup:cuda`); using cpu on 2 threads'),
    ).toEqual({
      using: 'Using the processor (CPU)',
      hint: 'Faster with an NVIDIA graphics card: see "NVIDIA GPUs" in the README to set it up',
    });
    expect(engineWords('cuda', 'cuda: ok').using).toBe('Using the NVIDIA graphics card (CUDA)');
    expect(engineWords('cpu', 'cpu requested')).toEqual({ using: 'Using the processor (CPU)' });
    expect(engineWords('webgpu', 'webgpu requested').hint).toMatch(/much slower than the CPU/);
    expect(engineWords(undefined, undefined).using).toBe('Using an unknown device');
  });

  it('says the processor took over after the graphics card failed mid-job, and how to try it again', () => {
    const words = engineWords(
      'cpu',
      'webgpu failed while running the model: device lost; using the CPU until the engine setting changes',
    );
    expect(words.using).toBe('Using the processor (CPU)');
    expect(words.hint).toMatch(/graphics card failed during a photo.*change the engine in Settings/);
  });

  it('warns in amber when forced WebGPU runs on a software adapter', () => {
    const words = engineWords(
      'webgpu',
      'webgpu requested; no GPU device found, so this is a software adapter, much slower than the CPU',
    );
    expect(words).toMatchObject({ warn: true, using: 'Using WebGPU in software (no graphics card found)' });
    expect(words.hint).toMatch(/20 times slower .*"Auto" or "CPU"/);
    expect(engineWords('webgpu', 'webgpu requested').warn).toBeUndefined();
  });
});
