import { InProcessJobQueue } from '../../src/embedded/in-process-queue.js';
import { jobQueueConformance } from './job-queue.conformance.js';

jobQueueConformance('in-process (embedded)', async (bound) => new InProcessJobQueue(bound));
