import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import type { BackendName } from '../shared/backend-name.js';
import { probeWebGl, probeWebGpu, type GpuProbe } from './gpu-probe.js';

/** What we learnt about a backend while activating it. */
export interface BackendProbe {
  ok: boolean;
  /** A software rasteriser (e.g. SwiftShader) rather than a real GPU. */
  software?: boolean;
  /** Adapter or renderer description, when the browser tells. */
  adapter?: string;
  error?: string;
}

let wasmConfigured = false;
function configureWasm(): void {
  if (wasmConfigured) return;
  wasmConfigured = true;
  // Threads give nothing on small devices, and the threaded build breaks under minified
  // bundles (its pthread blob worker): see platform notes.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // tfjs wants a path for every binary; the threaded build is never loaded (threads are off),
  // so it points at the SIMD one rather than shipping another 400 KB.
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmSimdUrl,
  });
}

/**
 * Makes `name` the active tfjs backend. tfjs silently falls back when a backend fails to
 * initialise (e.g. setBackend('webgpu') resolves false without an adapter), so we check.
 */
export async function activateBackend(name: BackendName, probed?: GpuProbe): Promise<BackendProbe> {
  try {
    let described: { software: boolean; adapter: string } | undefined;
    if (name === 'webgpu' || name === 'webgl') {
      const gpu = probed ?? (name === 'webgpu' ? await probeWebGpu() : probeWebGl());
      if (!gpu.available) return { ok: false, error: gpu.adapter };
      described = { software: gpu.software, adapter: gpu.adapter };
    }
    if (name === 'wasm') configureWasm();
    const ok = await tf.setBackend(name);
    if (!ok || tf.getBackend() !== name) return { ok: false, error: `tfjs could not initialise ${name}` };
    await tf.ready();
    return { ok: true, ...described };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Resolves when the active GPU backend loses its device (WebGPU `device.lost`, WebGL
 * `webglcontextlost`). Never resolves for wasm/cpu.
 */
export function whenDeviceLost(name: BackendName): Promise<string> {
  const backend = tf.backend() as unknown as {
    device?: { lost?: Promise<{ reason?: string; message?: string }> };
    gpgpu?: { gl?: { canvas?: EventTarget } };
  };
  if (name === 'webgpu' && backend.device?.lost) {
    return backend.device.lost.then((info) => `WebGPU device lost (${info.reason ?? 'unknown'}: ${info.message ?? ''})`);
  }
  const canvas = backend.gpgpu?.gl?.canvas;
  if (name === 'webgl' && canvas) {
    return new Promise((resolve) => canvas.addEventListener('webglcontextlost', () => resolve('WebGL context lost'), { once: true }));
  }
  return new Promise(() => undefined);
}

/** Test hook: destroys the active GPU device or context, as a driver reset would. */
export function loseDevice(): boolean {
  const backend = tf.backend() as unknown as {
    device?: { destroy(): void };
    gpgpu?: { gl?: WebGL2RenderingContext };
  };
  if (backend.device) {
    backend.device.destroy();
    return true;
  }
  const lose = backend.gpgpu?.gl?.getExtension('WEBGL_lose_context');
  if (lose) {
    lose.loseContext();
    return true;
  }
  return false;
}

export function tensorMemory(): { numTensors: number; numBytes: number } {
  // The SIMD path may run without tfjs ever starting a backend: then there are no tensors.
  if (!tf.getBackend()) return { numTensors: 0, numBytes: 0 };
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes };
}
