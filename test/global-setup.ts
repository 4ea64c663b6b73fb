import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bytes under a folder (files only; links are not followed). */
function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/**
 * Build dist/ once (a few tests start the real entry points: server, simulator CLI, smoke script),
 * and give the run its own temp folder: every worker and child process inherits it through TMPDIR.
 * Tests clean up after themselves; the teardown reports anything that escaped, then removes it.
 */
export default function setup(): () => void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error('build failed');
  const runTemp = mkdtempSync(path.join(os.tmpdir(), 'ainf-test-run-'));
  process.env.TMPDIR = runTemp;
  return () => {
    const left = readdirSync(runTemp);
    const kb = Math.ceil(sizeOf(runTemp) / 1024);
    console.log(
      `[figures] temp folders left behind by the suite: ${left.length} (${kb} KB)${left.length ? `: ${left.slice(0, 20).join(', ')}` : ''}`,
    );
    rmSync(runTemp, { recursive: true, force: true });
  };
}
