import { FileJobRepository } from '../../src/embedded/file-job-repository.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { jobRepositoryConformance } from './job-repository.conformance.js';

jobRepositoryConformance('data folder files (embedded)', () => FileJobRepository.open(tempDir('job-repo')));
