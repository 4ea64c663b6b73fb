import { encodePng } from '../../src/util/png.js';
import { solid } from '../../src/sim/render.js';

/** A small real PNG face stand-in for identity references. */
export function referencePng(color = 0xc08060, size = 32): Buffer {
  return encodePng(solid(size, size, color));
}
