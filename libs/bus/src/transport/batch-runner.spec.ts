import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentCorrelationId, JsonLogger, PipelineMetrics } from '@lakehouse/platform';
import { Namespace, RetryBackoff } from '../bus-options';
import { InMemoryPartitionPositions } from '../fakes/in-memory-bus';
import { RecordBatch, TopicPartition } from '../records';
import { AssignmentTracker } from './assignment-tracker';
import { BatchRunner } from './batch-runner';
import { ConsumedBatch } from './consumed-batch';

const NAMESPACE = 'run-1';
const TOPIC = 'ticks.raw';
const WIRE_TOPIC = `${NAMESPACE}.${TOPIC}`;
const PARTITION = 2;
const FIRST_OFFSET = 100;
const HIGH_WATERMARK = '110';
const RETRY: RetryBackoff = { initialMs: 50, maxMs: 400 };

interface Harness {
  runner: BatchRunner;
  tracker: AssignmentTracker;
  positions: InMemoryPartitionPositions;
  metrics: PipelineMetrics;
  seeks: { partition: TopicPartition; offset: string }[];
  sleeps: number[];
  dispatched: RecordBatch[];
}

// The runner's commit interval is 0 here: each batch's offset is committed as soon as no commit is in flight.
function harness(handler: (batch: RecordBatch) => Promise<void> = () => Promise.resolve()): Harness {
  const logger = new JsonLogger({ stage: 'test', level: 'fatal', write: () => undefined });
  const metrics = new PipelineMetrics('test');
  const positions = new InMemoryPartitionPositions();
  const seeks: Harness['seeks'] = [];
  const sleeps: number[] = [];
  const dispatched: RecordBatch[] = [];
  const seek = (partition: TopicPartition, offset: string) => seeks.push({ partition, offset });
  const sleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  const tracker = new AssignmentTracker({ positions: () => positions, seek, logger, retry: RETRY, sleep });
  tracker.onAssigned([{ topic: TOPIC, partition: PARTITION }]);
  const runner = new BatchRunner({
    namespace: new Namespace(NAMESPACE),
    dispatch: (batch) => {
      dispatched.push(batch);
      return handler(batch);
    },
    tracker,
    seek,
    metrics,
    logger,
    retry: RETRY,
    sleep,
    offsetCommitIntervalMs: 0,
  });
  return { runner, tracker, positions, metrics, seeks, sleeps, dispatched };
}

interface FakePayload extends ConsumedBatch {
  resolved: string[];
  committed: { partition: number; offset: string }[];
}

function payload(
  count: number,
  options: { stale?: boolean; running?: boolean; commit?: () => Promise<void> } = {},
): FakePayload {
  const messages = Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`SYM${i % 2}`),
    value: Buffer.from(`{"n":${i}}`),
    timestamp: '1700000000000',
    offset: String(FIRST_OFFSET + i),
    headers: { source: 'test' },
  }));
  const resolved: string[] = [];
  const committed: { partition: number; offset: string }[] = [];
  return {
    resolved,
    committed,
    batch: {
      topic: WIRE_TOPIC,
      partition: PARTITION,
      highWatermark: HIGH_WATERMARK,
      messages,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages.at(-1)?.offset ?? String(FIRST_OFFSET - 1),
    },
    resolveOffset: (offset) => resolved.push(offset),
    commitOffsetsIfNecessary: (offsets) => {
      for (const t of offsets?.topics ?? []) committed.push(...t.partitions);
      return options.commit?.() ?? Promise.resolve();
    },
    heartbeat: () => Promise.resolve(),
    isRunning: () => options.running ?? true,
    isStale: () => options.stale ?? false,
  };
}

const BATCH_SIZE = 4;
const NEXT_OFFSET_AFTER_BATCH = String(FIRST_OFFSET + BATCH_SIZE);

describe('BatchRunner', () => {
  it('hands the stage the whole batch under logical names, then resolves and commits past its last record', async () => {
    let correlationId: string | undefined;
    const h = harness(() => {
      correlationId = currentCorrelationId();
      return Promise.resolve();
    });
    const p = payload(BATCH_SIZE);
    await h.runner.run(p);
    const [batch] = h.dispatched;
    assert.equal(batch?.topic, TOPIC);
    assert.deepEqual(
      batch?.records.map((r) => r.offset),
      ['100', '101', '102', '103'],
    );
    assert.equal(batch?.records[0]?.headers.source?.toString(), 'test');
    assert.equal(correlationId, `${TOPIC}/${PARTITION}/100-103`);
    assert.deepEqual(p.resolved, ['103']);
    assert.deepEqual(p.committed, [{ partition: PARTITION, offset: NEXT_OFFSET_AFTER_BATCH }]);
  });

  it('records consumed records, batch duration and lag from the high watermark', async () => {
    const h = harness();
    await h.runner.run(payload(BATCH_SIZE));
    const text = await h.metrics.registry.metrics();
    assert.match(text, /lakehouse_records_consumed_total\{topic="ticks.raw",stage="test"\} 4/);
    assert.match(text, /lakehouse_batch_duration_seconds_count\{stage="test",topic="ticks.raw"\} 1/);
    const expectedLag = Number(HIGH_WATERMARK) - Number(NEXT_OFFSET_AFTER_BATCH);
    assert.match(
      text,
      new RegExp(`lakehouse_consumer_lag\\{topic="ticks.raw",partition="2",stage="test"\\} ${expectedLag}`),
    );
  });

  it('does not wait for a commit, except for the batch that ends while the consumer stops', async () => {
    const pending: (() => void)[] = [];
    const commit = () => new Promise<void>((resolve) => pending.push(resolve));
    let running = true;
    const h = harness(() => {
      running = h.dispatched.length < 2; // the consumer is told to stop while the second batch runs
      return Promise.resolve();
    });
    const batch = () => Object.assign(payload(BATCH_SIZE, { commit }), { isRunning: () => running });
    const first = batch();
    await h.runner.run(first);
    assert.equal(pending.length, 1, 'the first batch returned with its commit still in flight');
    let returned = false;
    const second = batch();
    const last = h.runner.run(second).then(() => (returned = true));
    await new Promise((resolve) => setImmediate(resolve));
    pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(returned, false, 'the stopping batch waits for its own commit');
    assert.equal(second.committed.length, 1, 'committed through the newest payload');
    pending.shift()!();
    await last;
    assert.equal(returned, true);
  });

  it('neither resolves nor commits when the handler throws, and re-seeks to the durable position after a backoff', async () => {
    const durableNext = '97';
    const h = harness(() => Promise.reject(new Error('delta commit conflict')));
    h.positions.set(TOPIC, PARTITION, durableNext);
    const p = payload(BATCH_SIZE);
    await h.runner.run(p);
    assert.deepEqual(p.resolved, []);
    assert.deepEqual(p.committed, []);
    assert.deepEqual(h.sleeps, [RETRY.initialMs]);
    assert.deepEqual(h.seeks, [{ partition: { topic: TOPIC, partition: PARTITION }, offset: durableNext }]);
  });

  it('re-seeks to the batch start when the stage keeps no durable position, backing off longer each time', async () => {
    const h = harness(() => Promise.reject(new Error('boom')));
    await h.runner.run(payload(BATCH_SIZE));
    await h.runner.run(payload(BATCH_SIZE));
    assert.deepEqual(
      h.seeks.map((s) => s.offset),
      [String(FIRST_OFFSET), String(FIRST_OFFSET)],
    );
    assert.deepEqual(h.sleeps, [RETRY.initialMs, RETRY.initialMs * 2]);
  });

  it('resets the backoff once a batch of the partition succeeds', async () => {
    let fail = true;
    const h = harness(() => (fail ? Promise.reject(new Error('boom')) : Promise.resolve()));
    await h.runner.run(payload(BATCH_SIZE));
    fail = false;
    await h.runner.run(payload(BATCH_SIZE));
    fail = true;
    await h.runner.run(payload(BATCH_SIZE));
    assert.deepEqual(h.sleeps, [RETRY.initialMs, RETRY.initialMs]);
  });

  it('does not seek a partition that a rebalance took away during the backoff', async () => {
    const h = harness(() => Promise.reject(new Error('boom')));
    const p = payload(BATCH_SIZE);
    await h.runner.run({
      ...p,
      heartbeat: () => {
        h.tracker.onAssigned([{ topic: TOPIC, partition: PARTITION + 1 }]);
        return Promise.resolve();
      },
    });
    assert.deepEqual(h.seeks, []);
  });

  it('drops a stale batch (a seek is pending) without handing it to the stage', async () => {
    const h = harness();
    const p = payload(BATCH_SIZE, { stale: true });
    await h.runner.run(p);
    assert.equal(h.dispatched.length, 0);
    assert.deepEqual(p.resolved, []);
  });

  it('does not seek after a failure when the consumer is stopping', async () => {
    const h = harness(() => Promise.reject(new Error('boom')));
    let running = true;
    const p = { ...payload(BATCH_SIZE), isRunning: () => running };
    const original = p.batch;
    p.batch = { ...original, firstOffset: () => ((running = false), original.firstOffset()) };
    await h.runner.run(p);
    assert.deepEqual(h.seeks, []);
  });
});
