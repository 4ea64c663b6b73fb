import { S3Client } from '@aws-sdk/client-s3';

/**
 * An S3 client for AWS or any S3-compatible server (MinIO, Ceph, s3rver): path-style addressing
 * when an endpoint is given, and checksums only where the API requires them (many non-AWS servers
 * reject the SDK's default ones). Credentials come from the standard AWS variables and files.
 */
export function createS3Client(options: { endpoint: string | null; region: string }): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}
