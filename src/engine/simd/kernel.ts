import { KERNEL_WASM_BASE64 } from './kernel-wasm.js';

/** One pass of the kernel over rows [row, end) for one query and its top-k buffer (see kernel.wat). */
export type ScanFn = (row: number, end: number, vec: number, rowBytes: number, u: number, g: number, scale: number, bias: number, topk: number) => void;

/** The kernel's exports; every pointer is a byte offset into the scorer's own memory. */
export interface KernelExports {
  set_rows(n: number, price: number, attr: number, category: number, brand: number): void;
  set_mask(flags: number, priceMin: number, priceMax: number, excl: number, allowedCategories: number, allowedBrands: number, biasWeight: number): void;
  /** 1 when `row` passes the current mask (set_mask), else 0. */
  allowed(row: number): number;
  scan_f32: ScanFn;
  scan_f16: ScanFn;
  scan_i8: ScanFn;
  /** pq4 blocks of 32 rows; `rowBytes` is a block's bytes, the query is lookup tables (pq4-block.ts). */
  scan_pq4: ScanFn;
  /** Halves → float32 scratch in scan_f16's scaled form, for batches. */
  widen_f16(src: number, dst: number, bytes: number): void;
  /** Tiles `count` row-major rows (rows first…) at `src` into the block at `dst` (layout.ts tileIndex). */
  tile_rows(src: number, dst: number, first: number, count: number, rowBytes: number, paddedRowBytes: number): void;
  /** Leaves the best min(k, count) keys at the front of a top-k buffer. */
  finish(topk: number): void;
  score_rows(kind: number, rows: number, count: number, vec: number, rowBytes: number, u: number, g: number, scale: number, bias: number, out: number): void;
}

/**
 * The slice of the WebAssembly JS API used here, typed locally: the engine is checked under the
 * DOM lib (browser) and under Node's (unit tests), and Node's types lack most of WebAssembly.
 */
export interface KernelMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const compiledKernel: unique symbol;
/** A compiled kernel (a WebAssembly.Module): instantiated once per scorer. */
export type KernelModule = { readonly [compiledKernel]: true };
interface WasmApi {
  compile(bytes: Uint8Array<ArrayBuffer>): Promise<KernelModule>;
  Instance: new (module: KernelModule, imports: { env: { memory: KernelMemory } }) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => KernelMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: Promise<KernelModule> | undefined;

/**
 * Compiles the kernel once per realm. Rejects where WebAssembly SIMD is missing (the module
 * does not validate), which the engine reports as this path being unavailable.
 */
export function loadSimdKernel(): Promise<KernelModule> {
  compiled ??= wasm.compile(decodeBase64(KERNEL_WASM_BASE64)).catch((cause: unknown) => {
    compiled = undefined;
    throw new Error(`WebAssembly SIMD kernel failed to compile (is WebAssembly SIMD supported?): ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  });
  return compiled;
}

/** A memory of `pages` × 64 KiB, zeroed; grown on demand by the scorer. */
export function createMemory(pages: number): KernelMemory {
  return new wasm.Memory({ initial: pages });
}

/** A fresh instance bound to `memory`: each scorer owns its memory, so dispose frees it all. */
export function instantiateKernel(module: KernelModule, memory: KernelMemory): KernelExports {
  return new wasm.Instance(module, { env: { memory } }).exports as KernelExports;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
