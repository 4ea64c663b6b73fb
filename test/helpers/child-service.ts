import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot } from '../../src/util/paths.js';
import { SERVICE_ENV, SERVICE_NODE_FLAGS } from '../../scripts/node-flags.mjs';

export interface ChildService {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Every stdout line so far (pino's JSON log lines among them). */
  stdout: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
}

/** The real entry point (dist/server.js) as a child process, started as npm start starts it, for kill and signal tests. */
export function startChildService(
  env: Record<string, string>,
  extraNodeFlags: string[] = [],
  options: { until?: 'READY' | 'LISTENING' } = {},
): Promise<ChildService> {
  const until = options.until ?? 'READY';
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...SERVICE_NODE_FLAGS, ...extraNodeFlags, path.join(repoRoot, 'dist', 'server.js')],
      {
        env: { ...SERVICE_ENV, ...process.env, PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += String(c);
    });
    const lines = readline.createInterface({ input: child.stdout });
    const stdout: string[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not start: ${stderr}`));
    }, 20_000);
    lines.on('line', (line) => {
      stdout.push(line);
      const m = new RegExp(`^${until} (\\S+)`).exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, exited, stdout, stderr: () => stderr });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited (${code}) before ready: ${stderr}`));
    });
  });
}
