import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/**
 * Switches tfjs to the wasm backend (SIMD, one thread): in Node here it runs the encoder's
 * matMuls ≈10× faster than the cpu backend, and tfjs-node cannot be installed (platform notes).
 */
export async function useTrainingBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<string> {
  if (tf.getBackend() === name) return name;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} is not available`);
  await tf.ready();
  return tf.getBackend();
}
