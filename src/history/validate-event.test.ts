import { describe, expect, it } from 'vitest';
import { validateEvent } from './validate-event.js';

const known = (id: string): boolean => id === 'a' || id === 'b';
const NOW = 1_700_000_000_000;
const codeOf = (event: unknown): string | null => {
  try {
    validateEvent(event, known, NOW);
    return null;
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('validateEvent', () => {
  it('accepts each event type in its proper shape and defaults ts to now', () => {
    expect(validateEvent({ type: 'view', itemId: 'a' }, known, NOW)).toEqual({ type: 'view', itemId: 'a', ts: NOW });
    expect(validateEvent({ type: 'search', query: 'red bag' }, known, NOW)).toEqual({ type: 'search', query: 'red bag', ts: NOW });
    expect(validateEvent({ type: 'dwell', itemId: 'b', ms: 4000, ts: NOW - 5 }, known, NOW)).toEqual({ type: 'dwell', itemId: 'b', ms: 4000, ts: NOW - 5 });
    for (const type of ['click', 'add_to_cart', 'remove_from_cart', 'purchase', 'favourite', 'impression']) {
      expect(codeOf({ type, itemId: 'a' })).toBeNull();
    }
  });
  it('rejects malformed events with EVENT_INVALID and unknown items with ITEM_UNKNOWN', () => {
    expect(codeOf(undefined)).toBe('EVENT_INVALID');
    expect(codeOf([])).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'VIEW', itemId: 'a' })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'view', itemId: 'zzz' })).toBe('ITEM_UNKNOWN');
    expect(codeOf({ type: 'view', itemId: '' })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'view', itemId: 'a'.repeat(257) })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'view', itemId: 'a', ts: -1 })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'view', itemId: 'a', ts: NOW + 3_600_000 })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'view', itemId: 'a', ts: '2024-01-01' })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'search' })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'search', query: '   ' })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'dwell', itemId: 'a' })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'dwell', itemId: 'a', ms: Number.POSITIVE_INFINITY })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'view', itemId: 'a', ms: 10 })).toBe('EVENT_INVALID');
    expect(codeOf({ type: 'view', itemId: 'a', __proto__x: 1 })).toBe('EVENT_INVALID');
  });
});
