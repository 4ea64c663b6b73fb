import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';
import { tempDir } from './temp-dirs.js';

export interface TestPostgres {
  port: number;
  /** A fresh, empty database on this server. */
  database(): Promise<pg.PoolConfig>;
  close(): Promise<void>;
}

/** PostgreSQL's server binaries: on PATH, or where Debian's postgresql package puts them. */
function pgBin(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', name))) return path.join(root, v, 'bin', name);
  throw new Error(`PostgreSQL's ${name} is not installed (apt-get install -y postgresql; .ci/run does it)`);
}

/**
 * A real, throwaway PostgreSQL server: a new cluster in a temp folder (trust auth, loopback only,
 * its socket in that folder), on a free port. As root it runs as the `postgres` user, since the
 * server refuses to run as root. fsync is off: these tests check the SQL, not the disk.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = tempDir('postgres');
  const data = path.join(dir, 'data');
  const asRoot = os.userInfo().uid === 0;
  const run = (bin: string, args: string[]) => {
    const cmd = pgBin(bin);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
    else execFileSync(cmd, args, { stdio: 'pipe' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    // The per-run temp folder is private to root; the server's user must be able to pass through it.
    // Only folders from the temp root down to ours are touched.
    const base = os.tmpdir();
    for (let up = path.dirname(dir); up.startsWith(base); up = path.dirname(up)) {
      const mode = statSync(up).mode & 0o777;
      if ((mode & 0o001) === 0) chmodSync(up, mode | 0o011);
      if (up === base) break;
    }
  }
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    '-t',
    '30',
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    'start',
  ]);
  const admin = { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' };
  return {
    port,
    async database() {
      const name = `t_${randomUUID().replace(/-/g, '')}`;
      const client = new pg.Client(admin);
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return { ...admin, database: name };
    },
    async close() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
  };
}
