// Random event-like values for fast-check, shared by the Node property test and the browser test.
import fc from 'fast-check';
import { EVENT_TYPES } from '../../src/shared/events.js';

export interface EventArbitraryOptions {
  /** Ids the catalog knows; the generator also makes unknown and malformed ones. */
  known: readonly string[];
  /** The clock the events are judged against. */
  now: number;
  /** The history's age bound: timestamps are drawn on both sides of it. */
  maxAgeMs: number;
  /**
   * For a page: only values Playwright can pass (no `__proto__` keys, which it would turn into
   * prototypes) and no timestamps within a minute of a bound (the page's clock is not `now`).
   */
  forBrowser?: boolean;
}

const weighted = <T>(...arbs: Array<fc.Arbitrary<T>>) => fc.oneof(...arbs.map((arbitrary, i) => ({ arbitrary, weight: i === 0 ? 8 : 1 })));
/** Present `percent` % of the time; absent keys are dropped, or sometimes kept as `undefined`. */
const sometimes = <T>(arb: fc.Arbitrary<T>, percent: number) =>
  fc.oneof({ arbitrary: arb, weight: percent }, { arbitrary: fc.constant(undefined), weight: 100 - percent });

/** Mostly the right fields for the type, so that both accepting and rejecting paths are reached. */
export function eventLike({ known, now, maxAgeMs, forBrowser = false }: EventArbitraryOptions): fc.Arbitrary<Record<string, unknown>> {
  const anything = forBrowser ? fc.anything({ key: fc.string().filter((k) => k !== '__proto__') }) : fc.anything();
  const itemId = weighted<unknown>(fc.constantFrom(...known), fc.string({ maxLength: 300 }), fc.constantFrom('', 'x'.repeat(257), 'a'.repeat(256)), anything);
  const ts = weighted<unknown>(
    fc.integer({ min: now - maxAgeMs + 60_000, max: now - 60_000 }),
    fc.oneof(fc.integer({ min: now - 2 * maxAgeMs, max: now - maxAgeMs - 60_000 }), fc.integer({ min: now + 360_000, max: now + 400 * 86_400_000 })),
    fc.double(),
    fc.constantFrom(-1, -0, 0, Number.MAX_VALUE, Number.NaN, ...(forBrowser ? [] : [now - maxAgeMs, now - maxAgeMs - 1, now + 300_000, now + 300_001])),
    anything,
  );
  const query = weighted<unknown>(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.string({ maxLength: 600 }),
    fc.constantFrom(' \t\n', 'q'.repeat(500), 'q'.repeat(501), '<script>x</script>'),
    anything,
  );
  const ms = weighted<unknown>(fc.integer({ min: 0, max: 86_400_000 }), fc.double(), fc.constantFrom(-1, 86_400_001), anything);
  const strayKeys = forBrowser ? ['constructor', 'userId', 'seq', 'Type'] : ['__proto__', 'constructor', 'userId', 'seq', 'Type'];
  const extra = sometimes(fc.tuple(fc.constantFrom(...strayKeys), anything), 5);
  return weighted<unknown>(fc.constantFrom(...EVENT_TYPES), fc.string({ maxLength: 12 }), anything).chain((type) =>
    fc
      .record({
        type: fc.constant(type),
        itemId: sometimes(itemId, type === 'search' ? 15 : 95),
        ts: sometimes(ts, 50),
        query: sometimes(query, type === 'search' ? 95 : 5),
        ms: sometimes(ms, type === 'dwell' ? 95 : 5),
        fromRecommendation: sometimes(weighted<unknown>(fc.boolean(), anything), 20),
        extra,
        keepUndefined: fc.boolean(),
      })
      .map(({ extra, keepUndefined, ...event }) => {
        const out: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(event)) if (value !== undefined || keepUndefined) out[key] = value;
        if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
        return out;
      }),
  );
}
