import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonLogger } from '@lakehouse/platform';
import { InMemoryPartitionPositions } from '../fakes/in-memory-bus';
import { PartitionPosition, PartitionPositions } from '../ports/partition-positions.port';
import { TopicPartition } from '../records';
import { AssignmentTracker } from './assignment-tracker';

const TOPIC = 'lake.commits';
const RETRY = { initialMs: 10, maxMs: 100 };
const silent = new JsonLogger({ stage: 'test', level: 'fatal', write: () => undefined });

function tracker(positions: PartitionPositions | undefined) {
  const seeks: { partition: TopicPartition; offset: string }[] = [];
  const sleeps: number[] = [];
  const t = new AssignmentTracker({
    positions: () => positions,
    seek: (partition, offset) => seeks.push({ partition, offset }),
    logger: silent,
    retry: RETRY,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { t, seeks, sleeps };
}

describe('AssignmentTracker', () => {
  it('seeks every assigned partition the stage holds a durable position for, and only those', async () => {
    const positions = new InMemoryPartitionPositions();
    positions.set(TOPIC, 0, '42');
    const { t, seeks } = tracker(positions);
    t.onAssigned([
      { topic: TOPIC, partition: 0 },
      { topic: TOPIC, partition: 1 },
    ]);
    assert.equal(await t.ensurePositioned(() => true), true);
    assert.deepEqual(seeks, [{ partition: { topic: TOPIC, partition: 0 }, offset: '42' }]);
  });

  it('seeks again on every new assignment and tells the stage which partitions were revoked', async () => {
    const positions = new InMemoryPartitionPositions();
    positions.set(TOPIC, 0, '7');
    positions.set(TOPIC, 1, '9');
    const { t, seeks } = tracker(positions);
    t.onAssigned([
      { topic: TOPIC, partition: 0 },
      { topic: TOPIC, partition: 1 },
    ]);
    await t.ensurePositioned(() => true);
    t.onAssigned([{ topic: TOPIC, partition: 1 }]);
    await t.ensurePositioned(() => true);
    assert.deepEqual(
      seeks.map((s) => `${s.partition.partition}@${s.offset}`),
      ['0@7', '1@9', '1@9'],
    );
    assert.deepEqual(positions.revoked, [{ topic: TOPIC, partition: 0 }]);
  });

  it('retries a failed position lookup with backoff instead of consuming from an unknown position', async () => {
    let calls = 0;
    class FlakyPositions extends PartitionPositions {
      positionsFor(partitions: readonly TopicPartition[]): Promise<readonly PartitionPosition[]> {
        calls += 1;
        if (calls < 3) return Promise.reject(new Error('delta log unreadable'));
        return Promise.resolve(partitions.map((p) => ({ ...p, offset: '5' })));
      }
    }
    const { t, seeks, sleeps } = tracker(new FlakyPositions());
    t.onAssigned([{ topic: TOPIC, partition: 0 }]);
    assert.equal(await t.ensurePositioned(() => true), true);
    assert.equal(calls, 3);
    assert.deepEqual(sleeps, [RETRY.initialMs, RETRY.initialMs * 2]);
    assert.deepEqual(seeks, [{ partition: { topic: TOPIC, partition: 0 }, offset: '5' }]);
  });

  it('gives up waiting for a position when the consumer stops', async () => {
    class BrokenPositions extends PartitionPositions {
      positionsFor(): Promise<readonly PartitionPosition[]> {
        return Promise.reject(new Error('down'));
      }
    }
    const { t } = tracker(new BrokenPositions());
    t.onAssigned([{ topic: TOPIC, partition: 0 }]);
    assert.equal(await t.ensurePositioned(() => false), false);
  });

  it('issues no seek without a positions provider (the group offsets decide)', async () => {
    const { t, seeks } = tracker(undefined);
    t.onAssigned([{ topic: TOPIC, partition: 0 }]);
    assert.equal(await t.ensurePositioned(() => true), true);
    assert.deepEqual(seeks, []);
  });
});
