import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

/** Temp files of interrupted writes end in this, so a start-up sweep can find and remove them. */
export const TEMP_SUFFIX = '.tmp';

export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/** fsync a directory so a rename inside it survives a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(path.dirname(target));
}

async function stage(tmp: string, data: string | Buffer): Promise<void> {
  const handle = await fsp.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Make a file visible atomically now and durable soon: temp file, rename over the target, then
 * (in the background) fsync the file and its folder. The write survives a crash of this process
 * as soon as this resolves; `durable` resolves once it also survives a power cut. For records that
 * must exist before something else happens (a job file before its prompt reaches ComfyUI) but need
 * only be durable before anyone is told about them.
 */
export async function writeFileVisible(target: string, data: string | Buffer): Promise<{ durable: Promise<void> }> {
  const tmp = tempPathFor(target);
  const handle = await fsp.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await fsp.rename(tmp, target);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  // The open handle still refers to the renamed file, so it is that file that gets fsynced.
  const durable = handle.sync().finally(() => handle.close()).then(() => fsyncDir(path.dirname(target)));
  durable.catch(() => undefined); // observed by callers that need it; never an unhandled rejection
  return { durable };
}
