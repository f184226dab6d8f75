/**
 * What kind of GPU a backend would run on, asked of the browser directly (no TensorFlow.js): the
 * engine skips software adapters (SwiftShader, llvmpipe: GPU work emulated on the CPU) and absent
 * ones without ever downloading the tfjs part.
 */
export interface GpuProbe {
  /** The browser offers this GPU API here. */
  available: boolean;
  /** A software rasteriser rather than a real GPU. */
  software: boolean;
  /** Adapter or renderer description, or why it is unavailable. */
  adapter: string;
}

const SOFTWARE_PATTERN = /swiftshader|llvmpipe|software|basic render|microsoft basic/i;

export async function probeWebGpu(): Promise<GpuProbe> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = (await gpu?.requestAdapter().catch(() => null)) as
    { info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean } | null | undefined;
  if (!adapter) return { available: false, software: false, adapter: 'navigator.gpu offers no adapter (WebGPU unsupported or disabled)' };
  const info = adapter.info ?? {};
  const text = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || SOFTWARE_PATTERN.test(text);
  return { available: true, software, adapter: text || 'unknown adapter' };
}

export function probeWebGl(): GpuProbe {
  if (typeof OffscreenCanvas === 'undefined') return { available: false, software: false, adapter: 'OffscreenCanvas is unavailable in this worker' };
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  // Without WebGL2 tfjs may still start on WebGL 1: let it try.
  if (!gl) return { available: true, software: false, adapter: 'unknown renderer' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { available: true, software: SOFTWARE_PATTERN.test(renderer), adapter: renderer };
}
