import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../../electron/core/model/model-errors.js';
import { architectureOf, parseManifest } from '../../../../electron/core/model/model-manifest.js';
import { TINY, tinyManifest } from './model-fixture.js';

const PATH = 'models/tiny/model.json';

/** tinyManifest() as plain JSON with one field replaced (or removed when value is undefined). */
function withField(path: string, value: unknown): unknown {
  const json = JSON.parse(JSON.stringify(tinyManifest()));
  const keys = path.split('.');
  const last = keys.pop()!;
  let target = json;
  for (const k of keys) target = target[k];
  if (value === undefined) delete target[last];
  else target[last] = value;
  return json;
}

function errorOf(json: unknown): ModelError {
  try {
    parseManifest(json, PATH);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error('parseManifest accepted an invalid manifest');
}

describe('parseManifest', () => {
  it('accepts a valid manifest and round-trips it through JSON unchanged, extra training keys kept', () => {
    const json = JSON.parse(JSON.stringify(tinyManifest()));
    const parsed = parseManifest(json, PATH);
    expect(parsed).toEqual(json);
    expect(parsed.training?.extra).toEqual({ lr: 1e-4 });
    expect(architectureOf(parsed)).toEqual(TINY);
  });

  it('leaves optional fields out rather than setting them to undefined', () => {
    const json = withField('displayName', undefined) as Record<string, unknown>;
    delete json.training;
    delete json.scores;
    delete (json.files as Record<string, unknown>).decoderPlain;
    const parsed = parseManifest(json, PATH);
    expect(Object.keys(parsed)).toEqual(['formatVersion', 'name', 'architecture', 'files', 'createdAt']);
    expect(Object.keys(parsed.files)).toEqual(['weights', 'encoder', 'decoder']);
  });

  it('names the field that is wrong', () => {
    const cases: Array<[string, unknown, ModelError['reason'], RegExp]> = [
      ['formatVersion', undefined, 'corrupt', /"formatVersion" is missing/],
      ['formatVersion', 2, 'incompatible', /formatVersion 2 is not supported/],
      ['name', '', 'corrupt', /"name" must be a non-empty string/],
      ['architecture', undefined, 'corrupt', /"architecture" is missing/],
      ['architecture.kind', 'sr3', 'incompatible', /"architecture.kind" is "sr3"/],
      ['architecture.encoder', 'rdn', 'incompatible', /"architecture.encoder" is "rdn"/],
      ['architecture.features', 0, 'corrupt', /"architecture.features" must be a positive integer/],
      ['architecture.hidden', 2.5, 'corrupt', /"architecture.hidden" must be a positive integer/],
      ['architecture.resBlocks', undefined, 'corrupt', /"architecture.resBlocks" is missing/],
      // Unbounded counts once made the graph builder run the process out of memory (70 s, 4.6 GB).
      [
        'architecture.resBlocks',
        100_000_000,
        'corrupt',
        /"architecture.resBlocks" is 100000000; this app supports at most 64/,
      ],
      [
        'architecture.features',
        257,
        'corrupt',
        /"architecture.features" is 257; this app supports at most 256/,
      ],
      [
        'architecture.hidden',
        1025,
        'corrupt',
        /"architecture.hidden" is 1025; this app supports at most 1024/,
      ],
      [
        'architecture.hiddenLayers',
        17,
        'corrupt',
        /"architecture.hiddenLayers" is 17; this app supports at most 16/,
      ],
      ['architecture.decoder', 'siren', 'incompatible', /"architecture.decoder" is "siren"; this app runs/],
      ['architecture.latentHidden', 208, 'corrupt', /"architecture.latentHidden" belongs to an "lmf"/],
      ['files.weights', undefined, 'corrupt', /"files.weights" is missing/],
      [
        'files.encoder',
        '../other/encoder.onnx',
        'corrupt',
        /"files.encoder" must be a file name inside the model folder/,
      ],
      ['files.decoderPlain', 7, 'corrupt', /"files.decoderPlain" must be a non-empty string/],
      ['createdAt', 'yesterday', 'corrupt', /"createdAt" is not an ISO date/],
      ['training.steps', 'many', 'corrupt', /"training.steps" must be a non-negative number/],
      ['training', [], 'corrupt', /"training" must be an object/],
      ['scores', 3, 'corrupt', /"scores" must be an object/],
    ];
    for (const [field, value, reason, pattern] of cases) {
      const err = errorOf(withField(field, value));
      expect({ field, reason: err.reason }).toEqual({ field, reason });
      expect(err.path).toBe(PATH);
      expect(err.message).toMatch(pattern);
    }
    expect(errorOf([1]).message).toMatch(/must contain a JSON object/);
  });

  it('reads an LMF decoder, and a manifest without "decoder" as the exact MLP', () => {
    const json = withField('architecture.decoder', 'lmf') as { architecture: Record<string, unknown> };
    json.architecture.latentHidden = 208;
    const parsed = parseManifest(json, PATH);
    expect(architectureOf(parsed)).toEqual({ ...TINY, decoder: 'lmf', latentHidden: 208 });
    expect(parsed).toEqual(json);
    expect(architectureOf(parseManifest(tinyManifest(), PATH)).decoder).toBeUndefined();
    json.architecture.latentHidden = 1025;
    expect(errorOf(json).message).toMatch(
      /"architecture.latentHidden" is 1025; this app supports at most 1024/,
    );
  });
});
