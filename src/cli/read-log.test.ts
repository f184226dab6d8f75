import { describe, expect, it } from 'vitest';
import { repeatsInSequences } from './read-log.js';

describe('repeat statistics of sequence logs', () => {
  it('counts a shopper once as a buyer of an item, and as a repeater when the item recurs', () => {
    const repeats = repeatsInSequences([
      ['a', 'b', 'a'],
      ['a', 'c'],
      ['b', 'b', 'b'],
    ]);
    expect(Object.fromEntries(repeats)).toEqual({
      a: { buyers: 2, repeaters: 1 },
      b: { buyers: 2, repeaters: 1 },
      c: { buyers: 1, repeaters: 0 },
    });
  });
});
