// Types of scripts/servers.mjs, for the test helpers that wrap it.
import type { S3Client } from '@aws-sdk/client-s3';
import type pg from 'pg';

export declare function freePort(): Promise<number>;
export interface RedisServer {
  url: string;
  port: number;
  /** Kill the server (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Start it again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
  close(): Promise<void>;
}
export declare function startRedisServer(dir: string): Promise<RedisServer>;
export interface PostgresServer {
  port: number;
  /** A fresh, empty database on this server. */
  database(): Promise<pg.PoolConfig & { host: string; port: number; user: string; database: string }>;
  close(): Promise<void>;
}
export declare function startPostgresServer(dir: string): Promise<PostgresServer>;
export interface S3Server {
  endpoint: string;
  bucket: string;
  client: S3Client;
  close(): Promise<void>;
}
export declare function startS3Server(dir: string, bucket?: string): Promise<S3Server>;
