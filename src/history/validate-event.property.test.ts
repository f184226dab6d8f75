import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventLike } from '../../test/robustness/arbitraries.js';
import { recordCounts } from '../../test/robustness/counts.js';
import { EventError } from '../shared/errors.js';
import { EVENT_TYPES } from '../shared/events.js';
import { validateEvent } from './validate-event.js';

// Property: any value is either returned as a valid event (exactly what an independent reading
// of the spec accepts) or rejected with EventError EVENT_INVALID / ITEM_UNKNOWN.
const NOW = 1_700_000_000_000;
const KNOWN = ['85123A', '22423', 'sku-ü'];
const isKnown = (id: string): boolean => KNOWN.includes(id);
const MAX_AGE_MS = 180 * 86_400_000;
const RUNS = 10_000;
let tried = 0;
let accepted = 0;

/** The spec (README "Event types" + validate-event.ts contract) restated without its code. */
function violations(input: unknown): { invalid: string[]; unknownItem: boolean } {
  const invalid: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { invalid: ['not an object'], unknownItem: false };
  const e = input as Record<string, unknown>;
  if (Object.keys(e).some((k) => !['type', 'itemId', 'ts', 'query', 'ms', 'fromRecommendation'].includes(k))) invalid.push('extra key');
  const type = e.type;
  if (!(EVENT_TYPES as readonly unknown[]).includes(type)) invalid.push('type');
  if (e.ts !== undefined && !(typeof e.ts === 'number' && e.ts >= 0 && e.ts >= NOW - MAX_AGE_MS && e.ts <= NOW + 300_000)) invalid.push('ts');
  const idOk = typeof e.itemId === 'string' && e.itemId.length >= 1 && e.itemId.length <= 256;
  if (e.itemId !== undefined && !idOk) invalid.push('itemId');
  if (e.itemId === undefined && type !== 'search') invalid.push('missing itemId');
  if (type === 'search' ? !(typeof e.query === 'string' && e.query.trim() !== '' && e.query.length <= 500) : e.query !== undefined) invalid.push('query');
  if (type === 'dwell' ? !(typeof e.ms === 'number' && e.ms >= 0 && e.ms <= 86_400_000) : e.ms !== undefined) invalid.push('ms');
  if (e.fromRecommendation !== undefined && !(typeof e.fromRecommendation === 'boolean' && ['click', 'view', 'add_to_cart'].includes(type as string))) {
    invalid.push('fromRecommendation');
  }
  return { invalid, unknownItem: idOk && !isKnown(e.itemId as string) };
}

const events = eventLike({ known: KNOWN, now: NOW, maxAgeMs: MAX_AGE_MS });

function check(input: unknown): void {
  tried++;
  const { invalid, unknownItem } = violations(input);
  let event;
  try {
    event = validateEvent(input, isKnown, NOW, MAX_AGE_MS);
  } catch (error) {
    if (!(error instanceof EventError)) throw new Error(`untyped failure: ${String(error)}`, { cause: error });
    if (error.code === 'ITEM_UNKNOWN') expect(unknownItem).toBe(true);
    else expect(error.code === 'EVENT_INVALID' && invalid.length > 0, `${error.code}: ${error.message}`).toBe(true);
    return;
  }
  expect(invalid, 'accepted an event the spec rejects').toEqual([]);
  expect(unknownItem).toBe(false);
  // A fresh, plain object holding only known fields; validating it again changes nothing.
  expect(event).not.toBe(input);
  expect(validateEvent(event, isKnown, NOW, MAX_AGE_MS)).toEqual(event);
  accepted++;
}

describe('validateEvent on random input (fast-check)', () => {
  it('event-like objects: accepted exactly when the spec allows, otherwise a typed EventError', () => {
    fc.assert(fc.property(events, check), { seed: 7, numRuns: RUNS });
    // The generator must reach the accepting paths too, not only the rejections.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it('arbitrary values (null-prototype objects, arrays, maps, typed arrays…) never escape as untyped errors', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withMap: true,
          withSet: true,
          withBigInt: true,
          withDate: true,
          withTypedArray: true,
          withSparseArray: true,
          withBoxedValues: true,
        }),
        check,
      ),
      { seed: 8, numRuns: RUNS },
    );
    recordCounts('validate-event.property: random events', { randomInputs: tried });
  });
});
