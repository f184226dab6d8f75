/**
 * The compute paths Vitrine can run on, fastest-on-real-hardware first: tfjs on a GPU, our
 * WebAssembly SIMD kernel (src/engine/simd), then tfjs on WASM and plain CPU.
 */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'simd', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_ORDER as readonly string[]).includes(value);
}
