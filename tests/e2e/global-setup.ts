/**
 * Builds the renderer, then starts the HTTP test server (real service; tiny and shipped models) in a
 * child process and hands its URL and token to the tests through the environment.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');

function startServer(dir: string): Promise<{ child: ChildProcess; url: string; token: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/e2e/server/start-test-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, LIIF_E2E_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the test server did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`the test server exited with code ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const { url, token } = JSON.parse(line) as { url: string; token: string };
      resolve({ child, url, token });
    });
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.LIIF_E2E_SKIP_BUILD)
    execFileSync(
      join(ROOT, 'node_modules', '.bin', 'vite'),
      ['build', '--logLevel', 'warn', '-c', 'renderer/vite.config.ts'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
  const dir = mkdtempSync(join(tmpdir(), 'liif-e2e-'));
  const { child, url, token } = await startServer(dir);
  process.env.LIIF_E2E_URL = url;
  process.env.LIIF_E2E_TOKEN = token;
  process.env.LIIF_E2E_DIR = dir;
  return async () => {
    child.removeAllListeners('exit');
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
    rmSync(dir, { recursive: true, force: true });
  };
}
