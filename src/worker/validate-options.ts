import { DEFAULT_NAMESPACE } from '../shared/tabs-channel.js';
import { isBackendName } from '../shared/backend-name.js';
import type { BuyItAgainOptions, EngineOptions, ItemFilters, RecommendOptions, SimilarOptions } from '../shared/api-types.js';
import { VitrineError } from '../shared/errors.js';
import { validateRules } from '../ranking/business-rules.js';
import { validatePin } from './integrity.js';

const invalid = (why: string): VitrineError => new VitrineError('OPTIONS_INVALID', `Invalid option: ${why}.`);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isRate = (x: unknown): boolean => x === undefined || (typeof x === 'number' && x >= 0 && x <= 1);
const isPositive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

export function validateEngineOptions(options: EngineOptions): EngineOptions & { namespace: string } {
  if (!isObject(options)) throw invalid('options must be an object');
  if (typeof options.catalog !== 'string' || options.catalog.length === 0) throw invalid('catalog must be the URL of a catalog file');
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (typeof namespace !== 'string' || !/^[\w.-]{1,64}$/.test(namespace)) throw invalid('namespace must be 1–64 letters, digits, "_", "-" or "."');
  if (options.backend !== undefined && options.backend !== 'auto' && !isBackendName(options.backend)) {
    throw invalid(`backend must be auto, webgpu, webgl, wasm or cpu, not ${String(options.backend)}`);
  }
  const h = options.history;
  if (h !== undefined) {
    if (!isObject(h)) throw invalid('history must be an object');
    if (h.maxEvents !== undefined && (!Number.isInteger(h.maxEvents) || !isPositive(h.maxEvents)))
      throw invalid('history.maxEvents must be a positive integer');
    if (h.maxAgeDays !== undefined && !isPositive(h.maxAgeDays)) throw invalid('history.maxAgeDays must be positive');
  }
  const p = options.profile;
  if (p !== undefined) {
    if (!isObject(p)) throw invalid('profile must be an object');
    for (const key of ['halfLifeHours', 'sessionHalfLifeMinutes', 'sessionGapMinutes'] as const) {
      if (p[key] !== undefined && !isPositive(p[key])) throw invalid(`profile.${key} must be positive`);
    }
    if (p.sessionWeight !== undefined && !(typeof p.sessionWeight === 'number' && p.sessionWeight >= 0 && p.sessionWeight <= 1)) {
      throw invalid('profile.sessionWeight must be between 0 and 1');
    }
    if (p.eventWeights !== undefined && (!isObject(p.eventWeights) || !Object.values(p.eventWeights).every((w) => Number.isFinite(w)))) {
      throw invalid('profile.eventWeights must map event types to finite numbers');
    }
  }
  const b = options.buyItAgain;
  if (b !== undefined && (!isObject(b) || !isRate(b.minRepeatRate))) throw invalid('buyItAgain.minRepeatRate must be a number from 0 to 1');
  validateRules(options.rules);
  if (options.consent !== undefined && options.consent !== 'granted' && options.consent !== 'required')
    throw invalid("consent must be 'granted' or 'required'");
  for (const key of ['respectGlobalPrivacyControl', 'encryptHistory'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw invalid(`${key} must be a boolean`);
  }
  validatePin(options.catalogSha256);
  if (options.catalogStallTimeoutMs !== undefined && !isPositive(options.catalogStallTimeoutMs))
    throw invalid('catalogStallTimeoutMs must be a positive number of milliseconds');
  if (options.itemUpdates !== undefined) {
    const feed = options.itemUpdates as { url?: unknown; refreshSeconds?: unknown };
    if (!isObject(feed) || typeof feed.url !== 'string' || feed.url === '') throw invalid('itemUpdates must be { url: string, refreshSeconds?: number }');
    if (feed.refreshSeconds !== undefined && !(typeof feed.refreshSeconds === 'number' && Number.isFinite(feed.refreshSeconds) && feed.refreshSeconds >= 1)) {
      throw invalid('itemUpdates.refreshSeconds must be a number of seconds ≥ 1');
    }
  }
  return { ...options, namespace };
}

/** Every method's `k` is checked here: an integer from 1 to 1000 (or left out). */
function validateK(k: unknown): void {
  if (k !== undefined && (!Number.isInteger(k) || (k as number) < 1 || (k as number) > 1000)) throw invalid('k must be an integer from 1 to 1000');
}

function validateFilters(filters: unknown): ItemFilters | undefined {
  if (filters === undefined) return undefined;
  if (!isObject(filters)) throw invalid('filters must be an object');
  const f = filters as ItemFilters;
  if (f.categories !== undefined && (!Array.isArray(f.categories) || !f.categories.every((c) => typeof c === 'string'))) {
    throw invalid('filters.categories must be an array of strings');
  }
  for (const key of ['priceMin', 'priceMax'] as const) {
    if (f[key] !== undefined && !(typeof f[key] === 'number' && Number.isFinite(f[key]))) throw invalid(`filters.${key} must be a finite number`);
  }
  if (f.inStock !== undefined && typeof f.inStock !== 'boolean') throw invalid('filters.inStock must be a boolean');
  if (f.brands !== undefined && (!Array.isArray(f.brands) || !f.brands.every((c) => typeof c === 'string')))
    throw invalid('filters.brands must be an array of strings');
  return f;
}

function validateExclude(exclude: unknown): void {
  if (exclude !== undefined && (!Array.isArray(exclude) || !exclude.every((id) => typeof id === 'string'))) {
    throw invalid('exclude must be an array of item ids');
  }
}

export function validateRecommendOptions(options: RecommendOptions): RecommendOptions {
  if (!isObject(options)) throw invalid('recommend() options must be an object');
  validateK(options.k);
  validateFilters(options.filters);
  validateExclude(options.exclude);
  if (options.excludePurchased !== undefined && typeof options.excludePurchased !== 'boolean') throw invalid('excludePurchased must be a boolean');
  validateRules(options.rules);
  const unit = (x: unknown): boolean => x === undefined || (typeof x === 'number' && x >= 0 && x <= 1);
  if (!unit(options.diversity)) throw invalid('diversity must be between 0 and 1');
  if (!unit(options.popularityDebias)) throw invalid('popularityDebias must be between 0 and 1');
  const cap = options.cap;
  if (cap !== undefined) {
    if (!isObject(cap)) throw invalid('cap must be an object');
    for (const key of ['perBrand', 'perCategory'] as const) {
      if (cap[key] !== undefined && (!Number.isInteger(cap[key]) || (cap[key] as number) < 1)) throw invalid(`cap.${key} must be a positive integer`);
    }
  }
  return options;
}

/** Options of the list rails (similar, popular, trending, new arrivals, complements, search): k, filters, exclude. */
export function validateListOptions(options: SimilarOptions): SimilarOptions {
  if (!isObject(options)) throw invalid('options must be an object');
  validateK(options.k);
  validateFilters(options.filters);
  validateExclude(options.exclude);
  return options;
}

/** Options of the methods that take only `k` (topCategories, topBrands, recentlyViewed, buyItAgain). */
export function validateKOptions(options: { k?: number }): { k?: number } {
  if (!isObject(options)) throw invalid('options must be an object');
  validateK(options.k);
  return options;
}

export function validateBuyItAgainOptions(options: BuyItAgainOptions): BuyItAgainOptions {
  validateKOptions(options);
  if (!isRate(options.minRepeatRate)) throw invalid('minRepeatRate must be a number from 0 to 1');
  return options;
}
