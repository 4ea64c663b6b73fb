import { startS3Server, type S3Server } from '../../scripts/servers.mjs';
import { tempDir } from './temp-dirs.js';

export type TestS3 = S3Server;

/**
 * A real S3-compatible server (s3rver, files in a temp folder) on a free loopback port, with one
 * bucket and a client configured as for any non-AWS server; see scripts/servers.mjs.
 */
export function startS3(bucket = 'ainfluencer-test'): Promise<TestS3> {
  return startS3Server(tempDir('s3rver'), bucket);
}
