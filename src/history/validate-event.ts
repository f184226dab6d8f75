import { EventError } from '../shared/errors.js';
import { EVENT_TYPES, type EventType, type NewEvent } from '../shared/events.js';

const MAX_ID_LENGTH = 256;
const MAX_QUERY_LENGTH = 500;
/** Clock skew we tolerate between the page and the worker before calling a timestamp future. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const KNOWN_KEYS = new Set(['type', 'itemId', 'ts', 'query', 'ms', 'fromRecommendation']);
const FROM_RECOMMENDATION_TYPES = new Set(['click', 'view', 'add_to_cart']);

/**
 * Checks an event where it enters, so that nothing malformed is ever stored.
 * Throws EVENT_INVALID for a malformed event and ITEM_UNKNOWN for an id the catalog lacks.
 * `maxAgeMs` (the history's age bound) rejects events the store would evict on arrival, so that
 * an event reported as stored is stored.
 */
export function validateEvent(input: unknown, isKnownItem: (id: string) => boolean, now: number = Date.now(), maxAgeMs = Number.POSITIVE_INFINITY): NewEvent {
  const invalid = (why: string): EventError => new EventError('EVENT_INVALID', `Event rejected: ${why}.`);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('an event must be an object');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!KNOWN_KEYS.has(key)) throw invalid(`unknown field "${key.slice(0, 40)}"`);
  const type = raw.type;
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    throw invalid(`type must be one of ${EVENT_TYPES.join(', ')}`);
  }
  const event: NewEvent = { type: type as EventType, ts: now };

  if (raw.ts !== undefined) {
    if (typeof raw.ts !== 'number' || !Number.isFinite(raw.ts) || raw.ts < 0) throw invalid('ts must be a finite, non-negative number of milliseconds');
    if (raw.ts > now + FUTURE_TOLERANCE_MS) throw invalid('ts lies in the future');
    if (raw.ts < now - maxAgeMs) throw invalid('ts is older than the history keeps (history.maxAgeDays)');
    event.ts = raw.ts;
  }

  if (raw.itemId !== undefined) {
    if (typeof raw.itemId !== 'string' || raw.itemId.length === 0 || raw.itemId.length > MAX_ID_LENGTH) {
      throw invalid(`itemId must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
    }
    if (!isKnownItem(raw.itemId)) throw new EventError('ITEM_UNKNOWN', `Item "${raw.itemId.slice(0, 80)}" is not in the catalog; the event was not stored.`);
    event.itemId = raw.itemId;
  } else if (type !== 'search') {
    throw invalid(`a ${type} event needs an itemId`);
  }

  if (raw.query !== undefined || type === 'search') {
    if (type !== 'search') throw invalid('only search events carry a query');
    if (typeof raw.query !== 'string' || raw.query.trim().length === 0 || raw.query.length > MAX_QUERY_LENGTH) {
      throw invalid(`query must be a non-empty string of at most ${MAX_QUERY_LENGTH} characters`);
    }
    event.query = raw.query;
  }

  if (raw.ms !== undefined || type === 'dwell') {
    if (type !== 'dwell') throw invalid('only dwell events carry ms');
    if (typeof raw.ms !== 'number' || !Number.isFinite(raw.ms) || raw.ms < 0 || raw.ms > 86_400_000) {
      throw invalid('ms must be a finite number of milliseconds between 0 and one day');
    }
    event.ms = raw.ms;
  }
  if (raw.fromRecommendation !== undefined) {
    if (typeof raw.fromRecommendation !== 'boolean' || !FROM_RECOMMENDATION_TYPES.has(type)) {
      throw invalid('fromRecommendation is a boolean on click, view and add_to_cart events');
    }
    if (raw.fromRecommendation) event.fromRecommendation = true;
  }
  return event;
}
