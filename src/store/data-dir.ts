import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The data folder cannot be used: one line naming the folder and the fix, for the start to print. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

const FIXES: Record<string, string> = {
  EACCES: 'give the user running the service write access to it (chown or chmod)',
  EPERM: 'give the user running the service write access to it (chown or chmod)',
  EROFS: 'it is on a read-only file system; point AINFLUENCER_DATA_DIR at a writable folder',
  ENOSPC: 'its disk is full; free space or point AINFLUENCER_DATA_DIR at a larger disk',
  EDQUOT: 'the disk quota is exhausted; free space or point AINFLUENCER_DATA_DIR elsewhere',
  ENOTDIR: 'a file stands where a folder should be; point AINFLUENCER_DATA_DIR at a folder',
  EEXIST: 'a file stands where a folder should be; point AINFLUENCER_DATA_DIR at a folder',
};

/**
 * Make sure every folder the service writes exists and takes a write, before the service starts:
 * a folder that cannot be written would otherwise pass the health check and fail every job.
 */
export function checkDataDir(dataDir: string, subfolders: readonly string[] = ['jobs', 'artifacts', 'uploads']): void {
  for (const folder of [dataDir, ...subfolders.map((s) => path.join(dataDir, s))]) {
    const probe = path.join(folder, `.write-check-${process.pid}`);
    try {
      mkdirSync(folder, { recursive: true });
      writeFileSync(probe, 'ok', { mode: 0o600 });
      rmSync(probe, { force: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new DataDirError(
        `Cannot write to the data folder ${folder} (${code}): ${FIXES[code] ?? 'check that it exists and is writable, or set AINFLUENCER_DATA_DIR to a writable folder'}`,
      );
    }
  }
}
