#!/usr/bin/env node
// Opt-in CUDA setup for Linux x64 + NVIDIA:  npm run setup:cuda
//
// onnxruntime-node ships the CPU and WebGPU execution providers in its npm package, but the CUDA 12 EP
// libraries (libonnxruntime_providers_{cuda,shared,tensorrt}.so) are too large for npm: its postinstall
// script (node_modules/onnxruntime-node/script/install.js) downloads them from NuGet
// (Microsoft.ML.OnnxRuntime.Gpu.Linux, same version as onnxruntime-node).
// This project's package.json (allowScripts, which npm honours from 11.16) denies that script, so that
// `npm install`/`npm ci` never downloads them. This script runs that install script with
// ONNXRUNTIME_NODE_INSTALL_CUDA=v12. Not ONNXRUNTIME_NODE_INSTALL=cuda12: in onnxruntime-node 1.30.0
// parseInstallFlag() drops that value (no `return flag`), and the script then exits 0 having done nothing.
// Needs internet access (api.nuget.org). Never run by the tests.
//
// You also need the NVIDIA driver and the CUDA 12 + cuDNN 9 runtime libraries on the library path.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const fail = (msg) => {
  console.error(`setup:cuda: ${msg}`);
  process.exit(1);
};

if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(
    `CUDA builds of onnxruntime-node exist only for Linux x64 (this is ${process.platform}/${process.arch}). ` +
      'Use the default CPU or WebGPU provider instead.',
  );
}

let gpus;
try {
  gpus = execFileSync('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], {
    encoding: 'utf8',
  }).trim();
} catch {
  fail('`nvidia-smi` was not found or failed: install the NVIDIA driver first (no NVIDIA GPU, no CUDA).');
}
console.log(`setup:cuda: NVIDIA GPU(s): ${gpus.split('\n').join('; ')}`);

const require = createRequire(import.meta.url);
const ortDir = path.dirname(require.resolve('onnxruntime-node/package.json'));
const { version } = require('onnxruntime-node/package.json');
const installScript = path.join(ortDir, 'script', 'install.js');
if (!existsSync(installScript)) fail(`${installScript} not found; run \`npm install\` first.`);

console.log(
  `setup:cuda: downloading the CUDA 12 provider for onnxruntime-node ${version} (this needs internet)...`,
);
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL_CUDA: 'v12' };
// Both take precedence over ONNXRUNTIME_NODE_INSTALL_CUDA (the second comes from a user's npm config).
delete env.ONNXRUNTIME_NODE_INSTALL;
delete env.npm_config_onnxruntime_node_install;
const result = spawnSync(process.execPath, [installScript], { cwd: ortDir, env, stdio: 'inherit' });
if (result.status !== 0)
  fail(`onnxruntime-node's install script failed (exit ${result.status ?? result.signal}).`);

const binDir = path.join(ortDir, 'bin', 'napi-v6', 'linux', 'x64');
const cudaLib = path.join(binDir, 'libonnxruntime_providers_cuda.so');
if (!existsSync(cudaLib)) fail(`install script finished but ${cudaLib} is missing.`);

console.log(`setup:cuda: installed the CUDA 12 provider libraries into ${binDir}`);
console.log('setup:cuda: verify with:');
console.log(`  ls ${binDir}   # libonnxruntime_providers_{cuda,shared,tensorrt}.so`);
console.log('  npx liif upscale <photo> --provider cuda');
console.log(
  'Re-run this after `npm ci` or an onnxruntime-node upgrade: both restore the CPU/WebGPU-only package.',
);
