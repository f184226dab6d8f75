// The lazy part: everything of ours that needs TensorFlow.js, with tfjs and its browser backends.
// The library build makes this a file of its own (dist/vitrine-tfjs.js) that imports nothing, so
// however a shop's bundler treats it (follows it, copies it verbatim, renames it) it still runs;
// the worker loads it by URL the first time a tfjs path or the sequence encoder is needed, and a
// device whose chosen path is the SIMD kernel never loads it (≈1 MB of script to parse).
export { activateBackend, loseDevice, tensorMemory, whenDeviceLost, type BackendProbe } from './backends.js';
export { TensorScorer } from './tensor-scorer.js';
export { createSasrecEncoder, historyRows, type SasrecEncoder } from '../model/sasrec/encoder.js';
