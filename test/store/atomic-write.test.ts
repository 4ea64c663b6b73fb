import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileVisible } from '../../src/store/atomic-write.js';
import { tempDir } from '../helpers/temp-dirs.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('atomic');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('replaces the target only once `after` succeeded', async () => {
    const target = path.join(dir, 'job.json');
    writeFileSync(target, 'old');
    let release!: () => void;
    const after = new Promise<void>((r) => {
      release = r;
    });
    const writing = writeFileAtomic(target, 'new', after);
    // Prepared (its temp file is written), not yet visible.
    for (const end = Date.now() + 5_000; !readdirSync(dir).some((n) => n !== 'job.json') && Date.now() < end;)
      await new Promise((r) => setImmediate(r));
    expect(readdirSync(dir).filter((n) => n !== 'job.json')).toHaveLength(1);
    expect(readFileSync(target, 'utf8')).toBe('old');
    release();
    await writing;
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['job.json']);
  });

  it('keeps the old bytes and leaves no temp file when `after` fails', async () => {
    const target = path.join(dir, 'job.json');
    writeFileSync(target, 'old');
    await expect(writeFileAtomic(target, 'new', Promise.reject(new Error('artifact fsync failed')))).rejects.toThrow(
      'artifact fsync failed',
    );
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['job.json']);
  });

  it('a visible write is readable at once and durable later, with no temp file left', async () => {
    const target = path.join(dir, 'job.json');
    const { durable } = writeFileVisible(target, '{"status":"queued"}');
    expect(readFileSync(target, 'utf8')).toBe('{"status":"queued"}');
    await durable;
    expect(readdirSync(dir)).toEqual(['job.json']);
  });
});
