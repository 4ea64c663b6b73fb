import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

// Registered when a test file imports this helper: every folder it made goes when the file ends,
// passed or failed (the global teardown reports and removes anything that still escapes).
afterAll(() => {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      console.warn(`[temp] could not remove ${dir}: ${(err as Error).message}`);
    }
  }
});

/** A fresh temp folder, removed after the test file. `base` puts it elsewhere (say /dev/shm). */
export function tempDir(prefix: string, base = os.tmpdir()): string {
  const dir = mkdtempSync(path.join(base, `${prefix}-`));
  made.push(dir);
  return dir;
}

/** Remove a folder made with tempDir now (a test that wants to check it is gone). */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  const i = made.indexOf(dir);
  if (i >= 0) made.splice(i, 1);
}
