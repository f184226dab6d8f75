// Everything of the engine that needs TensorFlow.js, in one module the engine imports on demand:
// a device whose cached choice is the SIMD kernel starts without loading tfjs at all (≈1 MB of
// script to parse in the worker).
export { activateBackend, loseDevice, tensorMemory, whenDeviceLost, type BackendProbe } from './backends.js';
export { TensorScorer } from './tensor-scorer.js';
