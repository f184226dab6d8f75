// The public API of Vitrine: everything a page imports comes from here.
export { createRecommender } from './page/recommender.js';
export type { Recommender, RecommenderOptions } from './page/recommender.js';
export type {
  AffinityScore,
  Because,
  BusinessRule,
  BuyItAgainOptions,
  RuleTarget,
  ItemUpdate,
  LeanResults,
  PopularOptions,
  ReasonCode,
  SearchOptions,
  Recommendation,
  RecommendOptions,
  RerankedItem,
  SimilarOptions,
} from './shared/api-types.js';
export type { ConsentInfo, PartStatus, EngineInfo, HistoryExport } from './shared/info-types.js';
export type { ItemFilters } from './shared/api-types.js';
export type { BackendName } from './shared/backend-name.js';
export type { BackendReport } from './shared/info-types.js';
export type { EventType, StoredEvent, TrackEvent } from './shared/events.js';
export type { ProfileOptions } from './shared/api-types.js';
export type { CatalogItem } from './shared/api-types.js';
export type { ProgressInfo } from './shared/progress.js';
export { VitrineError, CatalogError, EventError, StorageError, EngineError, WorkerError } from './shared/errors.js';
export type { ErrorCode } from './shared/errors.js';
