/** Saving a fine-tuned model onto a disk that fills up: a real full tmpfs (helpers/private-mount.ts). */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeWithMounts, privateMountUnavailable } from '../../../helpers/private-mount.js';
import { makeTinyModelRoot } from '../../../helpers/tiny-model.js';
import { makePhotoFolder } from './photo-folder.js';

const SCRIPT = join(import.meta.dirname, 'save-model.disk-full.script.ts');

describe.skipIf(privateMountUnavailable !== undefined)('fine-tuning on a full disk', () => {
  let photos: string;
  let base: { root: string; dir: string };
  beforeAll(async () => {
    photos = await mkdtemp(join(tmpdir(), 'liif-ft-full-photos-'));
    await makePhotoFolder(photos);
    base = await makeTinyModelRoot('base', 3);
  });

  it('fails the save in one readable line, leaves no half model, keeps the checkpoint, and resumes once there is room', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'liif-ft-full-models-'));
    const r = await nodeWithMounts(
      [{ dir: modelsDir, options: 'size=4m' }],
      ['--import', 'tsx', SCRIPT, modelsDir, photos, base.dir],
    );
    expect(r.code, r.stderr).toBe(0);
    const [start, resume] = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(start).toMatchObject({ stage: 'start', code: 'save-failed' });
    expect(start.message).toMatch(
      /^could not save the model "full" \(the disk is full: free some space\); nothing was replaced, the checkpoint is kept: resume to try again$/,
    );
    expect(start.message).not.toContain('\n');
    // No model under its final name, no staging copy; the run and its checkpoint are there.
    expect(start.files).not.toContain('full');
    expect(start.files.filter((f: string) => f.includes('/model'))).toEqual([]);
    expect(start.files).toEqual(expect.arrayContaining(['.finetune/full/run.json', 'filler.bin']));
    expect(start.files.some((f: string) => f.startsWith('.finetune/full/checkpoint'))).toBe(true);
    expect(start.files.filter((f: string) => f.endsWith('.tmp'))).toEqual([]);

    expect(resume).toMatchObject({ stage: 'resume', status: 'saved' });
    expect(resume.files).toEqual(
      expect.arrayContaining(['full', 'full/model.json', 'full/weights.safetensors']),
    );
    expect(resume.files.filter((f: string) => f.startsWith('.finetune') || f.endsWith('.tmp'))).toEqual([]);
  });
});
