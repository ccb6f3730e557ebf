import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { buildModelFiles, LiifEngine } from '../../../../electron/core/infer/liif-engine.js';
import { cpuThreads, physicalCores } from '../../../../electron/core/infer/onnx-runtime.js';
import { randomWeights } from '../../../../electron/core/model/random-weights.js';
import { TINY_ARCH } from '../../../helpers/tiny-model.js';

/** /proc/cpuinfo blocks for (socket, core) pairs, one per logical CPU. */
const cpuinfo = (pairs: Array<[number, number]>) =>
  pairs
    .map(
      ([socket, core], i) =>
        `processor\t: ${i}\nphysical id\t: ${socket}\ncore id\t\t: ${core}\nflags\t\t: fpu`,
    )
    .join('\n\n');

describe('CPU session threads', () => {
  it('counts physical cores: hyperthreads share a core, sockets do not', () => {
    expect(
      physicalCores(
        cpuinfo([
          [0, 0],
          [0, 1],
        ]),
      ),
    ).toBe(2);
    // 4 cores with 2 threads each.
    expect(
      physicalCores(
        cpuinfo([
          [0, 0],
          [0, 1],
          [0, 2],
          [0, 3],
          [0, 0],
          [0, 1],
          [0, 2],
          [0, 3],
        ]),
      ),
    ).toBe(4);
    expect(
      physicalCores(
        cpuinfo([
          [0, 0],
          [1, 0],
        ]),
      ),
    ).toBe(2);
    expect(physicalCores('processor\t: 0\nmodel name\t: something\n')).toBe(0);
  });

  it('sets one thread per physical core on Linux (at most the usable CPUs), and leaves other systems to ORT', () => {
    const logical = availableParallelism();
    expect(cpuThreads('linux', () => cpuinfo([[0, 0]]))).toBe(1);
    expect(cpuThreads('linux', () => cpuinfo(Array.from({ length: 64 }, (_, i) => [0, i])))).toBe(logical);
    expect(cpuThreads('linux', () => 'no core ids here')).toBe(logical);
    expect(
      cpuThreads('linux', () => {
        throw new Error('ENOENT');
      }),
    ).toBe(logical);
    expect(cpuThreads('win32')).toBeUndefined();
    expect(cpuThreads('darwin')).toBeUndefined();
  });
});

describe('the provider decision', () => {
  it('says how many threads a CPU engine runs on (the status bar shows it)', async () => {
    const engine = await LiifEngine.open(
      buildModelFiles('tiny', TINY_ARCH, randomWeights(TINY_ARCH, 1)),
      'cpu',
      {
        threads: 1,
      },
    );
    try {
      expect(engine.decision.provider).toBe('cpu');
      expect(engine.decision.reason).toBe('cpu requested on 1 thread');
    } finally {
      await engine.release();
    }
  });
});
