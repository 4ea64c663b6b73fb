import type { ArtifactRecord } from '../contracts/job.js';
import type { ArtifactStorePort } from '../ports/artifact-store.js';
import type { ArtifactStore } from '../store/artifact-store.js';

/**
 * Copy a job's committed outputs from the local folder, where they were downloaded and checked,
 * to the shared store (S3) that every instance serves from, then drop the local copies. The shared
 * store names each file by what its bytes are, exactly as the download did, and hashes them again:
 * a copy that does not come out byte-identical under the same name fails the job instead of
 * pointing its record at something else.
 */
export async function copyToShared(
  jobId: string,
  records: ArtifactRecord[],
  local: ArtifactStore,
  shared: ArtifactStorePort,
  maxBytes: number,
): Promise<void> {
  for (const record of records) {
    const opened = await local.get(jobId, record);
    if (!opened) throw new Error(`the downloaded ${record.filename} is not in the local folder`);
    const index = Number(/_(\d+)\./.exec(record.filename)?.[1] ?? 1);
    const stored = await shared.put(jobId, opened.stream, { maxBytes, index });
    if (stored.filename !== record.filename || stored.sha256 !== record.sha256)
      throw new Error(`the shared copy of ${record.filename} differs (${stored.filename}, ${stored.sha256})`);
  }
  await local.delete(jobId);
}
