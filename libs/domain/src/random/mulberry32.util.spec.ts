import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMulberry32, randomIndex } from './mulberry32.util';

// Computed with an independent Python transcription of mulberry32.
const GOLDEN: ReadonlyArray<{ seed: number; first: number[] }> = [
  {
    seed: 0,
    first: [
      0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111, 0.46732782293111086,
    ],
  },
  {
    seed: 42,
    first: [
      0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693, 0.17481389874592423,
    ],
  },
  {
    seed: 0xdeadbeef,
    first: [
      0.9413696140982211, 0.26719574979506433, 0.772033357527107, 0.35816076025366783, 0.47554167779162526,
    ],
  },
];

describe('createMulberry32', () => {
  for (const { seed, first } of GOLDEN) {
    it(`reproduces the reference stream for seed ${seed}`, () => {
      const random = createMulberry32(seed);
      assert.deepEqual(
        first.map(() => random()),
        first,
      );
    });
  }

  it('stays within [0, 1) and gives indices within [0, n)', () => {
    const random = createMulberry32(7);
    const DRAWS = 10_000;
    const N = 13;
    for (let i = 0; i < DRAWS; i += 1) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      const k = randomIndex(random, N);
      assert.ok(Number.isInteger(k) && k >= 0 && k < N);
    }
  });
});
