/** The house rules check (scripts/check-imports.ts): clean on this repository, loud on planted violations. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '../../../scripts/check-imports.ts');

async function check(root?: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      SCRIPT,
      ...(root ? [root] : []),
    ]);
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const planted: string[] = [];
afterAll(() => Promise.all(planted.map((dir) => rm(dir, { recursive: true, force: true }))));

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'liif-imports-'));
  planted.push(root);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('check-imports', () => {
  it('finds no violation in this repository', async () => {
    const r = await check();
    expect(r.out).toMatch(/check-imports: \d+ files, \d+ imports, 0 violations/);
    expect(r.code).toBe(0);
  });

  it('fails on each planted violation, naming the file', async () => {
    const root = await tree({
      'electron/core/infer/uses-electron.ts': "import { app } from 'electron';\nexport const a = app;\n",
      'electron/core/jobs/uses-ipc.ts':
        "import { parsers } from '../../ipc/validate.js';\nexport const p = parsers;\n",
      'electron/ipc/validate.ts': 'export const parsers = {};\n',
      'electron/core/eval/a.ts': "import { b } from '../train/b.js';\nexport const a = b;\n",
      'electron/core/train/b.ts':
        "import type { A } from '../eval/types.js';\nimport { c } from '../eval/c.js';\nexport const b: A = c;\n",
      'electron/core/eval/c.ts': 'export const c = 1;\n',
      'electron/core/eval/types.ts': 'export type A = number;\n',
      'electron/shared/vocabulary.ts':
        "import { readFileSync } from 'node:fs';\nexport const v = readFileSync;\n",
      'electron/service/app-service.ts': 'export class AppService {}\n',
      'renderer/src/lib/ok.ts':
        "import type { AppService } from '../../../electron/service/app-service.js';\nimport { v } from '../../../electron/shared/vocabulary.js';\nexport type S = AppService;\nexport const x = v;\n",
      'tests/unit/core/jobs/uses-ipc.test.ts': '',
      'tests/unit/core/jobs/gone.test.ts': '',
      'renderer/src/lib/bad.ts':
        "import { AppService } from '../../../electron/service/app-service.js';\nexport const s = new AppService();\n",
    });
    const r = await check(root);
    expect(r.code).toBe(1);
    expect(r.out).toContain('electron/core/infer/uses-electron.ts: core imports Electron');
    expect(r.out).toContain('electron/core/jobs/uses-ipc.ts: core imports electron/ipc/validate.ts');
    expect(r.out).toMatch(/import cycle between electron\/core\/eval, electron\/core\/train/);
    expect(r.out).toContain('electron/shared/vocabulary.ts: electron/shared/ imports node:fs');
    expect(r.out).toContain(
      'renderer/src/lib/bad.ts: the renderer imports code from electron/service/app-service.ts',
    );
    expect(r.out).not.toContain('renderer/src/lib/ok.ts');
    expect(r.out).toContain('tests/unit/core/jobs/gone.test.ts: no source file electron/core/jobs/gone.ts');
    expect(r.out).not.toContain('uses-ipc.test.ts');
    expect(r.out).toMatch(/6 violations/);
  });
});
