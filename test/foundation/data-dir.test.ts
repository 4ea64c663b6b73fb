import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/util/paths.js';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * A data folder the service cannot write stops the real start with one line naming the folder and
 * the fix (exit 2), instead of a service that passes /api/health and fails every job. The tests run
 * as root, for whom permissions do not apply, so the folder is made unwritable for everyone: a
 * read-only mount, and a file where a folder should be.
 */
const dirs: string[] = [];
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      /* gone */
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const start = (dataDir: string) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'server.js')], {
    env: { ...process.env, AINFLUENCER_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 20_000,
  });

describe('the data folder', () => {
  it('on a read-only file system (its folders already there): the start stops with one line', () => {
    const dir = tempDir('ro-data');
    dirs.push(dir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    mounts.push(dir);
    for (const sub of ['jobs', 'artifacts', 'uploads']) mkdirSync(path.join(dir, sub));
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    const result = start(dir);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `Cannot write to the data folder ${dir} (EROFS): it is on a read-only file system; point AINFLUENCER_DATA_DIR at a writable folder`,
    );
    expect(result.stdout).not.toContain('READY');
  });

  it('a file where the folder should be: the start stops with one line', () => {
    const dir = tempDir('file-data');
    dirs.push(dir);
    writeFileSync(path.join(dir, 'jobs'), 'not a folder');
    const result = start(dir);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      `Cannot write to the data folder ${path.join(dir, 'jobs')} (EEXIST): a file stands where a folder should be; point AINFLUENCER_DATA_DIR at a folder`,
    );
  });
});
