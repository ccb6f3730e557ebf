/**
 * A fresh `npm install` must download nothing beyond the npm registry (no ONNX Runtime CUDA
 * binaries), and the README's Node version must be one the first
 * start's Electron download works on.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const run = promisify(execFile);
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string; npm: string };
  allowScripts: Record<string, boolean>;
};

/** A zip archive of stored (uncompressed) files, enough to exercise an extractor. */
function storedZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('install configuration', () => {
  it('.npmrc holds only keys npm knows: no "Unknown project config" warning from our config', async () => {
    const npmrc = await readFile(join(ROOT, '.npmrc'), 'utf8');
    expect(npmrc).not.toMatch(/onnxruntime/);
    const { stderr } = await run('npm', ['config', 'get', 'save-exact'], { cwd: ROOT });
    expect(stderr).not.toMatch(/Unknown (project|user|global|env) config/);
  });

  it('the npm running here is one that honours allowScripts (engines.npm), as README says', async () => {
    const minimum = /^>=(\d+\.\d+)$/.exec(pkg.engines.npm)?.[1];
    expect(minimum).toBe('11.18');
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`npm ${minimum} or newer`);
    const { stdout } = await run('npm', ['--version'], { cwd: ROOT });
    const [major, minor] = stdout.trim().split('.').map(Number);
    expect(major! > 11 || (major === 11 && minor! >= 18), `npm ${stdout.trim()}`).toBe(true);
  });

  it('a fresh install of onnxruntime-node with our allowScripts runs no install script and downloads nothing', async () => {
    // The real package and npm, in a throw-away project: without the denial its install script
    // would fetch the CUDA provider from api.nuget.org (and fail where there is no internet).
    const project = await mkdtemp(join(tmpdir(), 'liif-allow-scripts-'));
    const ort = JSON.parse(
      await readFile(join(ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8'),
    ) as { version: string };
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'allow-scripts-check',
        version: '1.0.0',
        private: true,
        dependencies: { 'onnxruntime-node': ort.version },
        allowScripts: { 'onnxruntime-node': pkg.allowScripts['onnxruntime-node'] },
      }),
    );
    const { stdout, stderr } = await run(
      'npm',
      ['install', '--prefer-offline', '--foreground-scripts', '--no-audit', '--no-fund'],
      { cwd: project },
    );
    expect(`${stdout}${stderr}`).not.toMatch(/script\/install|nuget/i);
    const bin = join(project, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
    const files = await readdir(bin).catch(() => [] as string[]);
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(files).toContain('onnxruntime_binding.node');
      expect(files.filter((f) => f.includes('providers_cuda'))).toEqual([]);
    }
  }, 120_000);

  it("denies onnxruntime-node's install script (the CUDA download), and leaves no script unreviewed", async () => {
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
    const { stdout } = await run('npm', ['install-scripts', 'ls', '--json'], { cwd: ROOT });
    // Every dependency with an install script has an allowScripts entry: nothing left to review.
    expect(JSON.parse(stdout)).toEqual({ allowScripts: [] });
  });

  it("README names the Node version package.json's engines require", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const minimum = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(minimum).toBeDefined();
    expect(readme).toContain(`Node.js ${minimum} or newer`);
    const [major, minor] = process.versions.node.split('.').map(Number);
    const [needMajor, needMinor] = minimum!.split('.').map(Number);
    expect(major > needMajor || (major === needMajor && minor >= needMinor)).toBe(true);
  });

  it("the first start's Electron download can unpack its archive on this Node", async () => {
    // @electron/get hands the downloaded zip to this extractor; it declares Node 22.12, and
    // README says Node 20 works: this is that claim, on the Node running the tests.
    const { default: extract } = (await import('@electron-internal/extract-zip')) as {
      default: (zip: string, options: { dir: string }) => Promise<void>;
    };
    const dir = await mkdtemp(join(tmpdir(), 'liif-extract-'));
    const zip = join(dir, 'electron.zip');
    await writeFile(zip, storedZip({ 'electron/version': '45.5.0\n', LICENSE: 'MIT\n' }));
    await extract(zip, { dir: join(dir, 'out') });
    expect(await readFile(join(dir, 'out', 'electron', 'version'), 'utf8')).toBe('45.5.0\n');
  });
});
