import { randomBytes } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';

/** Temp files of interrupted writes end in this, so a start-up sweep can find and remove them. */
export const TEMP_SUFFIX = '.tmp';

export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/*
 * Why some calls here are synchronous. Every asynchronous fs call is a hop through libuv's thread
 * pool, and on an idle VM each hop costs 0.1–0.3 ms of thread wake-up, several times the syscall
 * itself (on the 2-vCPU VM of BENCHMARKS.md, writing and renaming a 3 KB record after a pause took
 * 0.87 ms with fs.promises, 0.44 ms with callbacks, 0.11 ms synchronously). On a job's critical path (its record before submission,
 * the renames that publish its outputs) those hops added up to milliseconds per job. So the cheap
 * metadata calls (open, close, rename, and writes of a few KB into the page cache) run inline,
 * while everything that waits for the disk (fsync) or moves real volume stays asynchronous.
 */

/** fsync an open descriptor without blocking the event loop. */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** fsync a directory so a rename inside it survives a crash (one thread-pool hop). */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    await fsyncFd(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Write a file so readers see either the old bytes or the new bytes, never a torn mix: temp file
 * in the same folder, fsync, rename over the target, fsync the folder.
 *
 * With `after`, the temp file is written and fsynced at once but only renamed into place once
 * `after` has settled successfully (if it fails, the temp file is removed and its error is
 * thrown). That lets a record that points at other files (an artifact, say) be prepared while those
 * files are still being made durable, instead of strictly after them, without ever becoming
 * visible before them.
 */
export async function writeFileAtomic(target: string, data: string | Buffer, after?: Promise<unknown>): Promise<void> {
  const tmp = tempPathFor(target);
  const staged = stage(tmp, data);
  try {
    await Promise.all([staged, after]);
  } catch (err) {
    await staged.catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(path.dirname(target));
}

/** Up to this size a temp file is created and written inline (see above); larger ones asynchronously. */
const INLINE_WRITE_BYTES = 64 * 1024;

async function stage(tmp: string, data: string | Buffer): Promise<void> {
  if (data.length <= INLINE_WRITE_BYTES) {
    // Written inline, so its fsync is requested without waiting for two thread-pool hops first.
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, data);
      await fsyncFd(fd);
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
  const handle = await fsp.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Make a small file visible atomically now and durable soon: temp file, rename over the target,
 * then (in the background) fsync the file and its folder. The write survives a crash of this
 * process as soon as this returns; `durable` resolves once it also survives a power cut. For
 * records that must exist before something else happens (a job file before its prompt reaches
 * ComfyUI) but need only be durable before anyone is told about them. Synchronous up to the rename
 * (a few KB into the page cache; see above), so it costs no thread-pool hop on that path.
 */
export function writeFileVisible(target: string, data: string | Buffer): { durable: Promise<void> } {
  const tmp = tempPathFor(target);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, data);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  // The descriptor still refers to the renamed file, so it is that file that gets fsynced.
  const durable = fsyncFd(fd)
    .finally(() => fs.closeSync(fd))
    .then(() => fsyncDir(path.dirname(target)));
  durable.catch(() => undefined); // observed by callers that need it; never an unhandled rejection
  return { durable };
}
