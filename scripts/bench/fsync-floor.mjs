#!/usr/bin/env node
// What durability costs on the disk of a data folder: the steps a job's completion must wait for,
// fsync of a new 2.3 MB file (one 1024×1024 PNG), fsync of a small record, and the folder fsync
// after a rename. Together they are the floor of the "added latency" of a job whose outputs are
// durable before it is reported done. The overhead benchmark measures it in the same run;
// standalone: node scripts/bench/fsync-floor.mjs [folder on the disk to test; default: OS temp dir]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, round } from './lib.mjs';

/** Median of `n` rounds of each durability step, in ms, and their sum (`floor_ms`). */
export function fsyncFloor(folder = os.tmpdir(), n = 40) {
  const dir = fs.mkdtempSync(path.join(folder, 'fsync-floor-'));
  const output = Buffer.alloc(2_300_000, 7);
  const record = Buffer.alloc(3_000, 65);
  const timed = (fn) => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  };
  /** @type {Record<'output_fsync_ms' | 'record_fsync_ms' | 'rename_and_folder_fsync_ms', number[]>} */
  const results = { output_fsync_ms: [], record_fsync_ms: [], rename_and_folder_fsync_ms: [] };
  try {
    for (let i = 0; i < n; i++) {
      const out = fs.openSync(path.join(dir, `image_${i}.png`), 'w');
      fs.writeSync(out, output);
      results.output_fsync_ms.push(timed(() => fs.fsyncSync(out)));
      fs.closeSync(out);
      const tmp = path.join(dir, '.record.tmp');
      const rec = fs.openSync(tmp, 'w');
      fs.writeSync(rec, record);
      results.record_fsync_ms.push(timed(() => fs.fsyncSync(rec)));
      fs.closeSync(rec);
      const dirFd = fs.openSync(dir, 'r');
      results.rename_and_folder_fsync_ms.push(
        timed(() => {
          fs.renameSync(tmp, path.join(dir, 'record.json'));
          fs.fsyncSync(dirFd);
        }),
      );
      fs.closeSync(dirFd);
    }
    const steps = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(median(v), 2)]));
    const floor = steps.output_fsync_ms + steps.record_fsync_ms + steps.rename_and_folder_fsync_ms;
    return { folder, ...steps, floor_ms: round(floor, 2) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(fsyncFloor(process.argv[2])));
}
