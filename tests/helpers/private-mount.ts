/**
 * Real file-system faults for tests: a read-only folder or a full disk, made by mounting a small
 * tmpfs inside a private user + mount namespace (`unshare -rm`), so no root and no host mount is
 * needed and nothing outlives the child. Where the kernel or the sandbox forbids user namespaces
 * the tests that need it skip and say why.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/liif.js');

function probeNamespaces(): string | undefined {
  if (process.platform !== 'linux') return 'private mounts need Linux user namespaces';
  try {
    execFileSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], {
      stdio: 'pipe',
      timeout: 10_000,
    });
    return undefined;
  } catch (error) {
    return `cannot mount a private tmpfs here (unshare -rm: ${(error as Error).message.split('\n')[0]})`;
  }
}

/** Why these tests cannot run on this machine, or undefined when they can. */
export const privateMountUnavailable = probeNamespaces();

if (privateMountUnavailable) console.warn(`skipping file-system fault tests: ${privateMountUnavailable}`);

export interface Mount {
  /** An existing empty folder to mount over. */
  dir: string;
  /** tmpfs options, e.g. `ro` or `size=32k`. */
  options: string;
}

export interface MountedRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Each mount's file names (`ls -A`) after the command, in mount order: the tmpfs dies with it. */
  listings: string[][];
}

/**
 * Runs `node <args>` with each mount in place, as a user would run it on such a folder. A mount
 * over a folder that has files hides them inside the namespace only; the host sees them unchanged.
 */
export async function nodeWithMounts(
  mounts: Mount[],
  args: string[],
  env: Record<string, string> = {},
): Promise<MountedRun> {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const listingsDir = await mkdtemp(join(tmpdir(), 'liif-mount-listing-'));
  const listingFile = (i: number) => join(listingsDir, `${i}.txt`);
  const script = [
    'set -e',
    ...mounts.map((m) => `mount -t tmpfs -o ${quote(m.options)} tmpfs ${quote(m.dir)}`),
    'set +e',
    `${[process.execPath, ...args].map(quote).join(' ')}`,
    'rc=$?',
    ...mounts.map((m, i) => `ls -A ${quote(m.dir)} > ${quote(listingFile(i))}`),
    'exit $rc',
  ].join('\n');
  let result: Omit<MountedRun, 'listings'>;
  try {
    const { stdout, stderr } = await run('unshare', ['-rm', 'sh', '-c', script], {
      env: { ...process.env, ...env },
      maxBuffer: 1 << 24,
    });
    result = { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
  const listings = await Promise.all(
    mounts.map(async (_, i) =>
      (await readFile(listingFile(i), 'utf8')).split('\n').filter((line) => line !== ''),
    ),
  );
  await rm(listingsDir, { recursive: true, force: true });
  return { ...result, listings };
}

/** The `liif` CLI under `nodeWithMounts`. */
export const liifWithMounts = (mounts: Mount[], args: string[], env: Record<string, string> = {}) =>
  nodeWithMounts(mounts, [BIN, ...args], env);
