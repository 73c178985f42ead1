import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignalRing } from './signal-ring';

const CAPACITY = 3;

describe('SignalRing', () => {
  it('keeps the most recent items per key, oldest first', () => {
    const ring = new SignalRing<number>(CAPACITY);
    for (let i = 1; i <= 5; i++) ring.push('SPX', i);
    ring.push('IXIC', 10);
    assert.deepEqual(ring.recent('SPX'), [3, 4, 5]);
    assert.deepEqual(ring.recent('IXIC'), [10]);
    assert.deepEqual(ring.keys(), ['IXIC', 'SPX']);
  });

  it('answers an unknown key with nothing and hands out copies', () => {
    const ring = new SignalRing<number>(CAPACITY);
    ring.push('SPX', 1);
    const copy = ring.recent('SPX') as number[];
    copy.push(99);
    assert.deepEqual(ring.recent('SPX'), [1]);
    assert.deepEqual(ring.recent('DJI'), []);
  });

  it('stays oldest first however many times it wrapped', () => {
    const ring = new SignalRing<number>(CAPACITY);
    for (let n = 1; n <= 20; n++) {
      ring.push('SPX', n);
      const expected = Array.from(
        { length: Math.min(n, CAPACITY) },
        (_, i) => n - Math.min(n, CAPACITY) + 1 + i,
      );
      assert.deepEqual(ring.recent('SPX'), expected, `after ${n} pushes`);
    }
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new SignalRing(0), RangeError);
  });
});
