import path from 'node:path';
import { ArtifactStore } from '../../src/store/artifact-store.js';
import { tempDir } from '../helpers/temp-dirs.js';
import { artifactStoreConformance } from './artifact-store.conformance.js';

artifactStoreConformance('local folder (embedded)', async () => {
  const dataDir = tempDir('artifact-port');
  return new ArtifactStore(path.join(dataDir, 'artifacts'), dataDir);
});
