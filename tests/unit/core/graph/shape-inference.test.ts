import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../../../electron/core/graph/shape-inference.js';
import type { LiifArchitecture } from '../../../../electron/core/model/architecture.js';
import { randomWeights } from '../../../../electron/core/model/random-weights.js';
import { buildLiifLossGraph } from '../../../../electron/core/train/training-graph.js';

const TINY: LiifArchitecture = { features: 4, resBlocks: 1, hidden: 8, hiddenLayers: 4 };

describe('static shape inference on the LIIF loss graph', () => {
  for (const layout of ['factorised', 'plain'] as const) {
    it(`${layout}: symbolic batch, query and map sizes survive the in-graph shape arithmetic`, () => {
      const graph = buildLiifLossGraph(TINY, randomWeights(TINY, 1), layout);
      const { shapes } = inferShapes(graph);
      const shapeOf = (opType: string) =>
        graph.nodes.filter((n) => n.opType === opType).map((n) => shapes.get(n.outputs[0]));
      // The 4 encoder convs keep [N, C, H, W] (the factorised layout's code projection follows);
      // the code lookup is [N, 4, Q, K] and the swapped area weights [N, 4, Q, 1].
      const k = layout === 'factorised' ? TINY.hidden : 9 * TINY.features;
      const convs = shapeOf('Conv');
      expect(convs.slice(0, 4)).toEqual(Array(4).fill(['N', TINY.features, 'H', 'W']));
      if (layout === 'factorised') expect(convs[4]).toEqual(['N', TINY.hidden, 'H', 'W']);
      expect(shapeOf('Gather').filter((s) => s?.length === 4)).toEqual([
        ['N', 4, 'Q', k],
        ['N', 4, 'Q', 1],
      ]);
      expect(shapeOf('MatMul').at(-1)).toEqual(['N', 4, 'Q', 3]);
      expect(shapes.get('loss')).toEqual([]);
    });
  }
});
