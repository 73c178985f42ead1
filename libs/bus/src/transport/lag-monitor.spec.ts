import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonLogger, PipelineMetrics } from '@lakehouse/platform';
import { TopicPartition } from '../records';
import { LagMonitor, PartitionProgress } from './lag-monitor';

const TOPIC = 'ticks.refined';
const silent = new JsonLogger({ stage: 'test', level: 'fatal', write: () => undefined });

async function lagOf(metrics: PipelineMetrics, partition: number): Promise<number | undefined> {
  const { values } = await metrics.consumerLag.get();
  return values.find((v) => v.labels.partition === String(partition))?.value;
}

describe('LagMonitor', () => {
  it('sets the lag of each assigned partition to its high watermark minus the next offset to handle', async () => {
    const metrics = new PipelineMetrics('test');
    const progress: PartitionProgress[] = [
      { topic: TOPIC, partition: 0, next: 90n },
      { topic: TOPIC, partition: 1, next: 10n },
      { topic: TOPIC, partition: 2, next: 5n },
    ];
    const monitor = new LagMonitor({
      highWatermarks: () =>
        Promise.resolve(
          new Map([
            [0, 100n],
            [1, 10n],
            [2, 50n],
          ]),
        ),
      progress: () => progress,
      isAssigned: (tp: TopicPartition) => tp.partition !== 2,
      metrics,
      logger: silent,
    });
    await monitor.refresh();
    assert.equal(await lagOf(metrics, 0), 10);
    assert.equal(await lagOf(metrics, 1), 0);
    assert.equal(await lagOf(metrics, 2), undefined, 'a partition no longer assigned is left alone');
  });

  it('keeps the last value when the broker cannot be asked', async () => {
    const metrics = new PipelineMetrics('test');
    metrics.consumerLag.set({ topic: TOPIC, partition: '0' }, 7);
    const monitor = new LagMonitor({
      highWatermarks: () => Promise.reject(new Error('broker down')),
      progress: () => [{ topic: TOPIC, partition: 0, next: 1n }],
      isAssigned: () => true,
      metrics,
      logger: silent,
    });
    await monitor.refresh();
    assert.equal(await lagOf(metrics, 0), 7);
  });
});
