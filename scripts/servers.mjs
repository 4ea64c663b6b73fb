// Throwaway servers the distributed mode needs, for the tests (test/helpers/*-server.ts wrap these
// with their temp-folder bookkeeping) and the benchmarks: a real redis-server and PostgreSQL from
// the Debian packages (scripts/ci-servers.sh installs them), and s3rver from npm. Each runs on a
// free loopback port, with its data in the folder it is given, persisting nothing that matters.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, existsSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A loopback port free right now, for servers that cannot bind port 0 and report it back. */
export function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = /** @type {net.AddressInfo} */ (server.address());
        server.close(() => resolve(port));
      });
    })
  );
}

/** @param {string} what @param {() => Promise<boolean>} probe @param {number} ms */
async function until(what, probe, ms) {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** @param {number} port */
const redisAnswers = (port) =>
  /** @type {Promise<boolean>} */ (
    new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end('PING\r\n');
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    })
  );

/** @param {string} dir */
export async function startRedisServer(dir) {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    throw new Error('redis-server is not installed (apt-get install -y redis-server; .ci/run does it)');
  }
  const port = await freePort();
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    await until('redis-server answering', () => redisAnswers(port), 10_000);
  };
  /** @param {NodeJS.Signals} signal */
  const stop = async (signal) => {
    const c = /** @type {import('node:child_process').ChildProcess | null} */ (child);
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    kill: () => stop('SIGKILL'),
    restart: start,
    close: () => stop('SIGTERM'),
  };
}

/** PostgreSQL's server binaries: on PATH, or where Debian's postgresql package puts them. @param {string} name */
function pgBin(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', name))) return path.join(root, v, 'bin', name);
  throw new Error(`PostgreSQL's ${name} is not installed (apt-get install -y postgresql; .ci/run does it)`);
}

/**
 * A new PostgreSQL cluster in `dir` (trust auth, loopback only, its socket in that folder), on a
 * free port. As root it runs as the `postgres` user, since the server refuses to run as root.
 * fsync is off: what is measured and tested is the SQL, not the disk.
 * @param {string} dir
 */
export async function startPostgresServer(dir) {
  const { default: pg } = await import('pg');
  const data = path.join(dir, 'data');
  const asRoot = os.userInfo().uid === 0;
  /** @param {string} bin @param {string[]} args */
  const run = (bin, args) => {
    const cmd = pgBin(bin);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
    else execFileSync(cmd, args, { stdio: 'pipe' });
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    // A temp folder may be private to root; the server's user must be able to pass through it.
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
    /** A fresh, empty database on this server. */
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

/**
 * s3rver with one bucket, files in `dir`, and a client configured as for any non-AWS server:
 * path-style addressing and checksums only where the API requires them.
 * @param {string} dir @param {string} bucket
 */
export async function startS3Server(dir, bucket = 'ainfluencer-test') {
  const { default: S3rver } = await import('s3rver');
  const { S3Client } = await import('@aws-sdk/client-s3');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    bucket,
    client,
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
