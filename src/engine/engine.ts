import type { BackendReport } from '../shared/info-types.js';
import type { Catalog } from '../catalog/types.js';
import { EngineError, VitrineError } from '../shared/errors.js';
import { BACKEND_ORDER, type BackendName } from '../shared/backend-name.js';
import type { BackendProbe } from './backends.js';
import { calibrationKey, type CalibrationCache } from '../storage/calibration-cache.js';
import type { Scorer } from './scorer.js';
import { loadSimdKernel } from './simd/kernel.js';
import { SimdScorer } from './simd/simd-scorer.js';
import { probeWebGl, probeWebGpu, type GpuProbe } from './gpu-probe.js';
import { loadTfjsPart, tfjsPartStatus } from './tfjs-part-loader.js';

/** tfjs and its backends, loaded the first time a tfjs path (or the encoder) needs them. */
const tfjs = loadTfjsPart;

export type BackendPreference = 'auto' | BackendName;

const softwareReason = (adapter: string | undefined): string => `software adapter (${adapter}): GPU work is emulated on the CPU, far slower than WASM`;
/**
 * tfjs WASM and CPU run on the same cores as the SIMD kernel and were several times slower on
 * every device measured (docs/performance.md): where SIMD runs they are not measured, and the
 * tfjs part is not downloaded for them.
 */
const SLOWER_THAN_SIMD = 'not measured: the SIMD kernel runs here, and tfjs WASM and CPU score on the same cores several times slower';

/** Rows of the catalog used to time each backend: enough to be representative, short to run. */
const CALIBRATION_ROWS = 20_000;
const CALIBRATION_RUNS = 5;

/** Makes a path ready: a tfjs backend, or the SIMD kernel compiled (fails where SIMD is missing). */
/** `gpu`: the adapter the engine already asked the browser for (not asked again). */
async function activate(backend: BackendName, gpu?: GpuProbe): Promise<BackendProbe> {
  try {
    // A tfjs part that cannot be loaded makes its backends unavailable, never a raw TypeError.
    if (backend !== 'simd') return await (await tfjs()).activateBackend(backend, gpu);
    await loadSimdKernel();
    return { ok: true };
  } catch (error) {
    if (error instanceof VitrineError) return { ok: false, error: `${error.code}: ${error.message}` };
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The catalog resident on a path (all of it, or its first `rows` for calibration). */
async function createScorer(backend: BackendName, catalog: Catalog, rows?: number): Promise<Scorer> {
  if (backend !== 'simd') return new (await tfjs()).TensorScorer(catalog, rows);
  const options = rows === undefined ? {} : { rows };
  if (!SimdScorer.fits(catalog, options)) throw new Error('the catalog does not fit one WebAssembly memory (4 GiB)');
  return SimdScorer.create(catalog, options);
}

async function timeScoring(backend: BackendName, catalog: Catalog): Promise<number> {
  const scorer = await createScorer(backend, catalog, Math.min(catalog.header.itemCount, CALIBRATION_ROWS));
  try {
    const u = new Float32Array(catalog.header.dim).map((_, j) => Math.sin(j + 1));
    const mask = { excludeRows: [] };
    await scorer.recommend(u, 10, mask); // warm-up: shader compilation, wasm instantiation
    const times: number[] = [];
    for (let i = 0; i < CALIBRATION_RUNS; i++) {
      const start = performance.now();
      await scorer.recommend(u, 10, mask);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  } finally {
    scorer.dispose();
  }
}

/**
 * Owns the compute path (the SIMD kernel or a tfjs backend) and the catalog resident on it.
 * - `auto` measures the real scoring call on each usable backend and keeps the fastest;
 *   software GPU adapters are recognised and skipped (they are many times slower than WASM)
 *   before tfjs is loaded, and tfjs WASM/CPU are not measured where the SIMD kernel runs: on a
 *   device without a real GPU the tfjs part is never downloaded.
 * - When a GPU device is lost, the engine moves to the next backend and re-uploads the
 *   catalog; the shopper's state lives outside the engine and is untouched.
 */
export class Engine {
  #backend: BackendName;
  #scorer: Scorer;
  #catalog: Catalog;
  #recovering: Promise<void> | undefined;
  readonly reports: BackendReport[];
  fallbackReason: string | undefined;

  private constructor(backend: BackendName, catalog: Catalog, scorer: Scorer, reports: BackendReport[]) {
    this.#backend = backend;
    this.#catalog = catalog;
    this.#scorer = scorer;
    this.reports = reports;
    this.#watchDevice();
  }

  get backend(): BackendName {
    return this.#backend;
  }

  /** `cache`: reuse this device's last measurement for the same catalog shape (auto only). */
  static async start(catalog: Catalog, preference: BackendPreference, cache?: CalibrationCache): Promise<Engine> {
    if (preference !== 'auto') {
      const probe = await activate(preference);
      if (!probe.ok) throw new EngineError('BACKEND_UNAVAILABLE', `Backend ${preference} cannot run here: ${probe.error}.`);
      const others = BACKEND_ORDER.filter((b) => b !== preference).map((backend): BackendReport => ({
        backend,
        status: 'skipped',
        reason: `not measured: the backend was forced to ${preference}`,
      }));
      const chosen: BackendReport = { backend: preference, status: 'chosen', reason: 'forced by the backend option', ...describe(probe) };
      return new Engine(preference, catalog, await createScorer(preference, catalog), [chosen, ...others]);
    }
    const key = calibrationKey(catalog);
    const cached = await cache?.get(key).catch(() => undefined);
    const reused = cached ? await Engine.#reuse(catalog, cached.reports, cached.measuredAt) : undefined;
    if (reused) return reused;
    const reports: BackendReport[] = [];
    let simdRuns = false;
    for (const backend of BACKEND_ORDER) {
      // Asked of the browser first, so that a device without a real GPU never downloads tfjs.
      const gpu = backend === 'webgpu' ? await probeWebGpu() : backend === 'webgl' ? probeWebGl() : undefined;
      if (gpu && !gpu.available) {
        reports.push({ backend, status: 'unavailable', reason: gpu.adapter });
        continue;
      }
      if (gpu?.software) {
        reports.push({ backend, status: 'skipped', reason: softwareReason(gpu.adapter), software: true, adapter: gpu.adapter });
        continue;
      }
      if ((backend === 'wasm' || backend === 'cpu') && simdRuns) {
        reports.push({ backend, status: 'skipped', reason: SLOWER_THAN_SIMD });
        continue;
      }
      const probe = await activate(backend, gpu);
      if (!probe.ok) {
        reports.push({ backend, status: 'unavailable', reason: probe.error ?? 'failed to initialise' });
        continue;
      }
      try {
        reports.push({ backend, status: 'measured', reason: '', medianMs: await timeScoring(backend, catalog), ...describe(probe) });
        if (backend === 'simd') simdRuns = true;
      } catch (error) {
        reports.push({ backend, status: 'unavailable', reason: `scoring failed: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    const measured = reports.filter((r) => r.status === 'measured').sort((a, b) => a.medianMs! - b.medianMs!);
    const best = measured[0];
    if (!best) throw new EngineError('BACKEND_UNAVAILABLE', 'No compute backend could score the catalog in this browser.');
    for (const r of measured) {
      r.reason =
        r === best
          ? `fastest measured: ${fmt(r.medianMs!)} ms per scoring call on ${Math.min(catalog.header.itemCount, CALIBRATION_ROWS)} items`
          : `slower: ${fmt(r.medianMs!)} ms vs ${fmt(best.medianMs!)} ms for ${best.backend}`;
    }
    best.status = 'chosen';
    const probe = await activate(best.backend);
    if (!probe.ok) throw new EngineError('BACKEND_UNAVAILABLE', `Backend ${best.backend} failed after calibration: ${probe.error}.`);
    const engine = new Engine(best.backend, catalog, await createScorer(best.backend, catalog), reports);
    await cache?.set(key, { reports: reports.map((r) => ({ ...r })), measuredAt: new Date().toISOString() }).catch(() => undefined);
    return engine;
  }

  /** The cached choice, if its backend still starts and holds the catalog; else undefined (measure again). */
  static async #reuse(catalog: Catalog, cached: BackendReport[], measuredAt: string): Promise<Engine | undefined> {
    const chosen = cached.find((r) => r.status === 'chosen');
    if (!chosen || !(BACKEND_ORDER as readonly string[]).includes(chosen.backend)) return undefined;
    if (!(await activate(chosen.backend)).ok) return undefined;
    try {
      const scorer = await createScorer(chosen.backend, catalog);
      const reports = cached.map((r) => (r === chosen ? { ...r, reason: `${r.reason} (measured on this device ${measuredAt}, reused)` } : { ...r }));
      return new Engine(chosen.backend, catalog, scorer, reports);
    } catch {
      return undefined;
    }
  }

  /** Runs a scoring call; if the GPU fails under it, falls back and runs it again. */
  async run<T>(call: (scorer: Scorer) => Promise<T>): Promise<T> {
    if (this.#recovering) await this.#recovering;
    try {
      return await call(this.#scorer);
    } catch (error) {
      if (this.#backend !== 'webgpu' && this.#backend !== 'webgl') throw error;
      await this.#fallBack(`scoring failed on ${this.#backend}: ${error instanceof Error ? error.message : String(error)}`);
      return call(this.#scorer);
    }
  }

  /** Uploads a new catalog to the current backend, then drops the old one. */
  async replaceCatalog(catalog: Catalog): Promise<void> {
    if (this.#recovering) await this.#recovering;
    const next = await createScorer(this.#backend, catalog);
    this.#scorer.dispose();
    this.#scorer = next;
    this.#catalog = catalog;
  }

  #watchDevice(): void {
    const backend = this.#backend;
    // Only GPU paths have a device to lose (and asking tfjs on others would start a backend).
    if (backend !== 'webgpu' && backend !== 'webgl') return;
    void tfjs()
      .then(({ whenDeviceLost }) => whenDeviceLost(backend))
      .then((reason) => {
        if (this.#backend === backend) void this.#fallBack(reason);
      });
  }

  #fallBack(reason: string): Promise<void> {
    this.#recovering ??= (async () => {
      const lost = this.#backend;
      const report = this.reports.find((r) => r.backend === lost);
      if (report) Object.assign(report, { status: 'lost', reason });
      try {
        this.#scorer.dispose();
      } catch {
        // The device is gone; its buffers went with it.
      }
      for (const backend of BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(lost) + 1)) {
        const probe = await activate(backend);
        if (!probe.ok) continue;
        try {
          this.#scorer = await createScorer(backend, this.#catalog);
        } catch {
          continue;
        }
        this.#backend = backend;
        this.fallbackReason = `${reason}; moved to ${backend}`;
        const next = this.reports.find((r) => r.backend === backend);
        if (next) Object.assign(next, { status: 'chosen', reason: `fallback after ${lost} was lost` });
        this.#watchDevice();
        return;
      }
      throw new EngineError('DEVICE_LOST', `${reason}; no other backend is available.`);
    })().finally(() => {
      this.#recovering = undefined;
    });
    return this.#recovering;
  }

  dispose(): void {
    this.#scorer.dispose();
  }

  /**
   * Makes sure a tfjs backend is active for work outside the engine (the sequence encoder): the
   * engine's own when it runs on tfjs, else WASM (or CPU where WASM cannot start).
   */
  async prepareTfjs(): Promise<void> {
    if (this.#backend !== 'simd') return;
    const { activateBackend } = await tfjs();
    if (!(await activateBackend('wasm')).ok && !(await activateBackend('cpu')).ok) {
      throw new EngineError('BACKEND_UNAVAILABLE', 'Neither tfjs WASM nor CPU can start here, and the encoder needs one.');
    }
  }

  /** Live tensors and their bytes (zero when tfjs never started). */
  async tensorMemory(): Promise<{ numTensors: number; numBytes: number }> {
    return tfjsPartStatus().status === 'loaded' ? (await tfjs()).tensorMemory() : { numTensors: 0, numBytes: 0 };
  }

  /** Test hook: destroys the active GPU device or context, as a driver reset would. */
  async loseDevice(): Promise<boolean> {
    return tfjsPartStatus().status === 'loaded' ? (await tfjs()).loseDevice() : false;
  }
}

function describe(probe: { software?: boolean; adapter?: string }): Pick<BackendReport, 'software' | 'adapter'> {
  const out: Pick<BackendReport, 'software' | 'adapter'> = {};
  if (probe.software !== undefined) out.software = probe.software;
  if (probe.adapter !== undefined) out.adapter = probe.adapter;
  return out;
}

const fmt = (ms: number): string => ms.toFixed(2);
