import { FileJobRepository } from '../../src/embedded/file-job-repository.js';
import type { JobRepository } from '../../src/ports/job-repository.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { jobRepositoryConformance } from './job-repository.conformance.js';

const folders = new WeakMap<JobRepository, string>();

jobRepositoryConformance(
  'data folder files (embedded)',
  async () => {
    const dir = tempDir('job-repo');
    const repo = await FileJobRepository.open(dir);
    folders.set(repo, dir);
    return repo;
  },
  async (closed) => FileJobRepository.open(folders.get(closed)!),
);
