#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startComfySimulator } from './server.js';

/** `node dist/sim/cli.js --port 8188 [--step-ms 20] [--base-dir DIR] [--no-pack ID]…` */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8188' },
    host: { type: 'string', default: '127.0.0.1' },
    'step-ms': { type: 'string', default: '0' },
    'base-dir': { type: 'string' },
    'no-pack': { type: 'string', multiple: true, default: [] },
    'missing-model': { type: 'string', multiple: true, default: [] },
    'pad-output-bytes': { type: 'string' },
  },
});

const port = Number(values.port);
const stepMs = Number(values['step-ms']);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(stepMs) || stepMs < 0) {
  process.stderr.write(
    'usage: sim --port 0..65535 [--step-ms N] [--base-dir DIR] [--no-pack ID] [--missing-model FILE]\n',
  );
  process.exit(2);
}
const sim = await startComfySimulator({
  port,
  host: values.host,
  baseDir: values['base-dir'],
  faults: {
    stepMs,
    missingModels: values['missing-model'],
    padOutputBytes: values['pad-output-bytes'] ? Number(values['pad-output-bytes']) : null,
    packs: ['ipadapter_plus', 'instantid', 'facerestore_cf', 'propost'].filter((p) => !values['no-pack'].includes(p)),
  },
});
process.stdout.write(
  `ComfyUI simulator listening on ${sim.url} (files in ${sim.dirs.output}). Images are placeholders, not AI output.\n`,
);
const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
