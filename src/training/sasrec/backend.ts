import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/**
 * The bundled CLI (dist/cli/vitrine.js) carries tfjs's wasm binaries beside itself, where the
 * backend's own lookup (next to its package files) cannot find them; from the sources, the
 * package's files are found as usual.
 */
function locateBundledWasm(): void {
  const dir = fileURLToPath(new URL('./', import.meta.url));
  if (existsSync(`${dir}tfjs-backend-wasm-simd.wasm`)) setWasmPaths(dir);
}

/**
 * Switches tfjs to the wasm backend (SIMD, one thread): in Node here it runs the encoder's
 * matMuls ≈10× faster than the cpu backend, and tfjs-node cannot be installed (platform notes).
 */
export async function useTrainingBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<string> {
  if (tf.getBackend() === name) return name;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (name === 'wasm') locateBundledWasm();
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} is not available`);
  await tf.ready();
  return tf.getBackend();
}
