#!/usr/bin/env node
// Installs dependencies when node_modules is missing or older than package-lock.json, and with
// --build compiles TypeScript when dist/ is missing or older than any source file. Used by
// `npm test` (pretest), `npm start` and scripts/one.mjs so a fresh clone needs no manual step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function newestIn(dir) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : mtime(full));
  }
  return newest;
}

function run(args, what) {
  process.stderr.write(`[ensure-deps] ${what}: ${npm} ${args.join(' ')}\n`);
  const result = spawnSync(npm, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`[ensure-deps] ${what} failed (exit ${result.status}).\n`);
    process.exit(result.status ?? 1);
  }
}

// npm ci touches node_modules/.package-lock.json, so its mtime tells when the install last ran.
const installedAt = mtime(path.join(root, 'node_modules', '.package-lock.json'));
const lockAt = mtime(path.join(root, 'package-lock.json'));
if (!installedAt || installedAt < lockAt) {
  run(['ci', '--no-audit', '--no-fund'], 'installing dependencies');
}

if (process.argv.includes('--build')) {
  const builtAt = mtime(path.join(root, 'dist', 'server.js'));
  const sourceAt = Math.max(
    newestIn(path.join(root, 'src')),
    mtime(path.join(root, 'tsconfig.json')),
    mtime(path.join(root, 'tsconfig.build.json')),
  );
  if (!builtAt || builtAt < sourceAt) run(['run', '--silent', 'build'], 'building');
}
