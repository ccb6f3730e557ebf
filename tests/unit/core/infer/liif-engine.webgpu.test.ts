/**
 * The WebGPU execution provider path, end to end: the tiled LIIF pipeline on WebGPU must match CPU.
 * On a machine without a GPU this runs on Mesa's lavapipe (scripts/install-test-deps.sh installs it
 * from bookworm-backports). Where no WebGPU adapter exists the tests are skipped with the reason
 * printed, never passed; LIIF_REQUIRE_WEBGPU=1 turns the skip into a failure.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { PixelBuffer } from '../../../../electron/core/image/pixel-buffer.js';
import { buildModelFiles, LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { upscalePixels } from '../../../../electron/core/infer/upscale-pixels.js';
import { randomWeights, seededRandom } from '../../../../electron/core/model/random-weights.js';
import { TINY_ARCH, TINY_LMF_ARCH } from '../../../helpers/tiny-model.js';

for (const [decoder, arch] of [
  ['mlp', TINY_ARCH],
  ['lmf', TINY_LMF_ARCH],
] as const)
  describeWebGpu(decoder, buildModelFiles('tiny', arch, randomWeights(arch, 9)));

function describeWebGpu(decoder: 'mlp' | 'lmf', files: ReturnType<typeof buildModelFiles>): void {
  let cpu: LiifEngine;
  let gpu: LiifEngine | undefined;
  let unavailable = '';

  function skipUnlessWebGpu(ctx: TestContext): void {
    if (gpu) return;
    if (process.env.LIIF_REQUIRE_WEBGPU === '1') throw new Error(unavailable);
    console.log(`[webgpu] SKIPPED: ${unavailable}`);
    ctx.skip(unavailable);
  }

  describe(`WebGPU provider, ${decoder} decoder`, () => {
    beforeAll(async () => {
      cpu = await LiifEngine.open(files, 'cpu');
      try {
        gpu = await LiifEngine.open(files, 'webgpu');
        if (gpu.decision.provider !== 'webgpu') {
          unavailable = `WebGPU could not run the model: ${gpu.decision.reason}`;
          await gpu.release();
          gpu = undefined;
        }
      } catch (error) {
        unavailable = `no WebGPU adapter: ${String(error).split('\n')[0]}`;
      }
    });

    afterAll(async () => {
      await cpu.release();
      await gpu?.release();
    });

    it('tiled LIIF upscale on WebGPU matches CPU to 1e-4 (RGBA, 16-bit, x2.5)', async (ctx) => {
      skipUnlessWebGpu(ctx);
      const rand = seededRandom(4);
      const width = 14;
      const height = 11;
      const pixels: PixelBuffer = {
        width,
        height,
        channels: 4,
        bitDepth: 16,
        data: Uint16Array.from({ length: width * height * 4 }, () => Math.floor(rand() * 65536)),
      };
      const spec = { kind: 'scale', scale: 2.5 } as const;
      const onCpu = await upscalePixels(cpu, pixels, spec, { tileSide: 16 });
      const onGpu = await upscalePixels(gpu!, pixels, spec, { tileSide: 16 });
      expect(onGpu.usedModel).toBe(true);
      let maxDiff = 0;
      for (let i = 0; i < onCpu.pixels.data.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(onCpu.pixels.data[i] - onGpu.pixels.data[i]) / 65535);
      // 1e-4 on [0,1] values, plus half a 16-bit quantisation step.
      expect(maxDiff).toBeLessThanOrEqual(1e-4 + 0.5 / 65535);
    });

    it('places every heavy op on the GPU; only shape scalars stay on the CPU', async (ctx) => {
      skipUnlessWebGpu(ctx);
      const script = join(import.meta.dirname, 'fixtures/print-placements.ts');
      const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, decoder], {
        maxBuffer: 64 * 1024 * 1024,
      });
      const blocks = stderr.split(/=== (encoder|decoder)\n/);
      for (const name of ['encoder', 'decoder']) {
        const log = blocks[blocks.indexOf(name) + 1] ?? '';
        const cpuBlock =
          /placed on \[CPUExecutionProvider\]\. Number of nodes: (\d+)\n((?:.*\n)*?).*placed on \[WebGpu/.exec(
            log,
          );
        const cpuOps = cpuBlock ? [...cpuBlock[2].matchAll(/\] {3}(\w+) \(/g)].map((m) => m[1]) : [];
        expect(log).toMatch(/placed on \[WebGpuExecutionProvider\]/);
        console.log(`[webgpu] ${name}: CPU-placed nodes: ${cpuOps.join(', ') || 'none'}`);
        // Shape bookkeeping only: reading N, h, w from the codes' shape and the batch Range.
        for (const op of cpuOps)
          expect(['Shape', 'Gather', 'Slice', 'Cast', 'Range', 'Squeeze', 'Unsqueeze']).toContain(op);
        expect(cpuOps.length).toBeLessThanOrEqual(6);
      }
    });
  });
}
