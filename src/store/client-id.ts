import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

const CLIENT_ID = /^[0-9a-f]{32}$/;

/**
 * The WebSocket client id this data folder uses with one ComfyUI, the same across restarts.
 * ComfyUI sends a prompt's progress messages only to the client id that submitted it, so a job
 * resumed after a restart hears its progress only if the new process listens under the old id.
 */
export async function persistentClientId(dataDir: string, engineId: string): Promise<string> {
  const file = path.join(dataDir, `${engineId}.client-id`);
  try {
    const stored = (await fsp.readFile(file, 'utf8')).trim();
    if (CLIENT_ID.test(stored)) return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomBytes(16).toString('hex');
  await writeFileAtomic(file, `${id}\n`);
  return id;
}
