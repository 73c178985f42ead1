import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isModelError } from '../errors/model-error';
import { FilesystemModelStore } from '../store/filesystem-model-store';
import { syntheticSilverTicks } from '../testing/synthetic-silver-ticks';
import { filesystemStoreRef, ndjsonSourceRef } from './component-ref';
import { TrainingProgress } from './train-model';
import { trainInWorker } from './train-in-worker';

const MICROS_PER_MILLI = 1000n;
const TINY = {
  symbols: ['AAA'],
  from: '2023-01-01T00:00:00Z',
  to: '2024-01-01T00:00:00Z',
  features: {
    version: 'test-features',
    returnLags: 1,
    returnWindows: [3],
    volumeWindow: 3,
    sequenceLength: 4,
    allowedLatenessUs: 0n,
  },
  label: {
    version: 'test-label',
    horizon: { kind: 'ticks', ticks: 2 },
    threshold: { kind: 'sigma', k: 1.5, window: 8 },
  },
  units: 3,
  maxEpochs: 1,
  bootstrapResamples: 10,
  promote: true,
} as const;

describe('trainInWorker', () => {
  let dir = '';
  let ticksPath = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'train-worker-'));
    ticksPath = join(dir, 'ticks.ndjson');
    const lines = syntheticSilverTicks({ symbol: 'AAA', count: 300, seed: 3 }).map((t) =>
      JSON.stringify({
        symbol: t.symbol,
        price: t.price,
        volume: t.volume,
        timestamp: Number(t.eventTimeUs / MICROS_PER_MILLI),
      }),
    );
    await writeFile(ticksPath, lines.join('\n') + '\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('trains on a worker thread, reports progress, and registers and promotes the version in the store', async () => {
    const storeRoot = join(dir, 'store');
    const progress: TrainingProgress[] = [];
    const result = await trainInWorker(
      {
        options: { ...TINY, version: 'w1' },
        dataSource: ndjsonSourceRef(ticksPath),
        store: filesystemStoreRef(storeRoot),
      },
      (event) => progress.push(event),
    );
    assert.equal(result.manifest.version, 'w1');
    assert.equal(result.manifest.training.dataSource, `ndjson:${ticksPath}`);
    assert.deepEqual([...new Set(progress.map((p) => p.stage))], ['data', 'dataset', 'epoch', 'registered']);
    assert.equal(await new FilesystemModelStore(storeRoot).promotedVersion(), 'w1');
  });

  it("rejects with the worker's error code", async () => {
    await assert.rejects(
      trainInWorker({
        options: { ...TINY, symbols: ['NONE'], version: 'w2' },
        dataSource: ndjsonSourceRef(ticksPath),
        store: filesystemStoreRef(join(dir, 'store')),
      }),
      (error) => isModelError(error, 'INSUFFICIENT_DATA'),
    );
  });
});
