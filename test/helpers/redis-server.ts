import { startRedisServer, type RedisServer } from '../../scripts/servers.mjs';
import { tempDir } from './temp-dirs.js';

export type TestRedis = RedisServer;

/**
 * A real, throwaway redis-server (the Debian package; `scripts/ci-servers.sh` installs it) on a free
 * loopback port, persisting nothing, in its own temp folder.
 */
export function startRedis(): Promise<TestRedis> {
  return startRedisServer(tempDir('redis'));
}
