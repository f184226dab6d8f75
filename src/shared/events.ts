/** What a shopper did. Every type but `search` names an item. */
export const EVENT_TYPES = ['view', 'click', 'search', 'add_to_cart', 'remove_from_cart', 'purchase', 'favourite', 'dwell', 'impression'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event as the page tracks it. `ts` defaults to now (ms since the epoch). */
export interface TrackEvent {
  type: EventType;
  itemId?: string;
  ts?: number;
  /** The search query (`search` events). */
  query?: string;
  /** Time spent on the item, in milliseconds (`dwell` events). */
  ms?: number;
  /** The shopper reached the item through a recommendation (click, view, add_to_cart): counts more. */
  fromRecommendation?: boolean;
}

/** An event as stored on the device. `seq` orders events across tabs. */
export interface StoredEvent {
  seq: number;
  type: EventType;
  ts: number;
  itemId?: string;
  query?: string;
  ms?: number;
  fromRecommendation?: boolean;
}

export type NewEvent = Omit<StoredEvent, 'seq'>;
