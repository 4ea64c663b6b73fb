import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from './free-port.js';
import { tempDir } from './temp-dirs.js';
import { waitUntil } from './wait.js';

export interface TestRedis {
  url: string;
  port: number;
  /** Kill the server (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Start it again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end('PING\r\n');
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * A real, throwaway redis-server (the Debian package; `scripts/ci-servers.sh` installs it) on a free
 * loopback port, persisting nothing, in its own temp folder.
 */
export async function startRedis(): Promise<TestRedis> {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    throw new Error('redis-server is not installed (apt-get install -y redis-server; .ci/run does it)');
  }
  const port = await freePort();
  const dir = tempDir('redis');
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: 'ignore',
      },
    );
    await waitUntil('redis-server answering', () => answers(port).then((up) => up || null), 10_000, 20);
  };
  const stop = async (signal: NodeJS.Signals) => {
    const c = child;
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
