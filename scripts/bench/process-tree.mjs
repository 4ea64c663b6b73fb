// A process and every process below it (Linux /proc): what a start command leaves running, with
// its memory (resident, and proportional: shared pages such as the node binary split between the
// processes that map them) and CPU time.
import { readdirSync, readFileSync } from 'node:fs';

/** @returns {Map<number, number>} pid → parent pid */
function parents() {
  const map = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      map.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // (it exited meanwhile)
    }
  }
  return map;
}

/** The pid and its descendants. */
export function treeOf(pid) {
  const byParent = parents();
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [child, parent] of byParent) if (parent === out[i]) out.push(child);
  return out;
}

const kbOf = (text, key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);

/** Summed resident and proportional memory of the processes, in MB. */
export function memoryOfTree(pids) {
  let rss = 0,
    pss = 0;
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += kbOf(rollup, 'Rss');
      pss += kbOf(rollup, 'Pss');
    } catch {
      // (it exited meanwhile)
    }
  }
  return { rssMb: rss / 1024, pssMb: pss / 1024 };
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}
