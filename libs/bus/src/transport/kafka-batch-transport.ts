import { errorMessage, JsonLogger, PipelineMetrics, ReadinessRegistry } from '@lakehouse/platform';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { BUS_OPTIONS, BusOptions, ConsumerOptions, DEFAULT_RETRY, Namespace } from '../bus-options';
import { BusError } from '../bus-error';
import { KAFKA_CLIENT } from '../kafka/kafka-client';
import { PartitionPositions } from '../ports/partition-positions.port';
import { RecordBatch, TopicPartition } from '../records';
import { AssignmentTracker } from './assignment-tracker';
import { sleep } from './backoff';
import { BatchRunner } from './batch-runner';
import { KafkaBatchContext } from './kafka-batch-context';
import { LagMonitor } from './lag-monitor';

/** How often the lag gauge is refreshed between batches. */
const DEFAULT_LAG_REFRESH_MS = 15_000;
const DEFAULT_OFFSET_COMMIT_INTERVAL_MS = 1_000;

type ConsumerState = 'idle' | 'connecting' | 'joined' | 'rebalancing' | 'crashed' | 'stopped';

/**
 * Nest custom transport over a kafkajs consumer in batch mode (`eachBatch`, `eachBatchAutoResolve: false`,
 * `autoCommit: false`). Topics are the patterns of the app's `@EventPattern` handlers. A handler receives a
 * {@link RecordBatch} and is awaited; see {@link BatchRunner} for when offsets advance and
 * {@link AssignmentTracker} for seek-on-assign. Shutdown (SIGTERM) stops fetching, lets the in-flight batch finish
 * and commit, then leaves the group — in `beforeApplicationShutdown`, before the producer drains.
 */
@Injectable()
export class KafkaBatchTransport
  extends Server
  implements CustomTransportStrategy, BeforeApplicationShutdown
{
  private consumer: Consumer | undefined;
  private state: ConsumerState = 'idle';
  private stopping: Promise<void> | undefined;
  /** Set when kafkajs gave up restarting the consumer: only a process restart brings it back. */
  private crashedForGood = false;
  private readonly namespace: Namespace;
  private readonly consumerOptions: ConsumerOptions;
  private readonly tracker: AssignmentTracker;
  private readonly runner: BatchRunner;
  private positions: PartitionPositions | undefined;
  private readonly lagMonitor: LagMonitor;
  private admin: Admin | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(BUS_OPTIONS) options: BusOptions,
    private readonly moduleRef: ModuleRef,
    private readonly metrics: PipelineMetrics,
    private readonly log: JsonLogger,
    readiness: ReadinessRegistry,
  ) {
    super();
    if (!options.consumer) throw new Error('KafkaBatchTransport needs BusOptions.consumer');
    this.consumerOptions = options.consumer;
    this.namespace = new Namespace(options.namespace);
    const retry = options.consumer.retry ?? DEFAULT_RETRY;
    const seek = (tp: TopicPartition, offset: string) => this.seek(tp, offset);
    this.tracker = new AssignmentTracker({
      positions: () => this.positions,
      seek,
      logger: log,
      retry,
      sleep,
    });
    this.runner = new BatchRunner({
      namespace: this.namespace,
      dispatch: (batch, heartbeat) => this.dispatch(batch, heartbeat),
      tracker: this.tracker,
      seek,
      metrics: this.metrics,
      logger: log,
      retry,
      sleep,
      offsetCommitIntervalMs: options.consumer.offsetCommitIntervalMs ?? DEFAULT_OFFSET_COMMIT_INTERVAL_MS,
    });
    this.lagMonitor = new LagMonitor({
      highWatermarks: (topic) => this.highWatermarks(topic),
      progress: () => this.runner.progress(),
      isAssigned: (tp) => this.tracker.isAssigned(tp),
      metrics: this.metrics,
      logger: log,
    });
    // A rebalance is routine and short: a member that joined once stays ready through it.
    readiness.register('kafka-consumer', () => ({
      up: this.state === 'joined' || this.state === 'rebalancing',
      details: { state: this.state, group: this.consumerOptions.groupId },
    }));
    readiness.registerLiveness('kafka-consumer', () => ({
      up: !this.crashedForGood,
      details: { state: this.state },
    }));
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) =>
        callback(
          new BusError('BUS_CONNECT_FAILED', `consumer could not start: ${errorMessage(error)}`, {
            cause: error,
          }),
        ),
    );
  }

  /** Called by Nest when the microservice closes; idempotent with {@link beforeApplicationShutdown}. */
  close(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  on(): never {
    throw new Error('KafkaBatchTransport does not expose events; use the readiness probe and logs');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('KafkaBatchTransport is not listening');
    return this.consumer as T;
  }

  private async start(): Promise<void> {
    const topics = [...this.messageHandlers.keys()];
    if (topics.length === 0) throw new Error('no @EventPattern handlers: nothing to consume');
    this.positions = this.resolvePositions();
    const groupId = this.namespace.wire(this.consumerOptions.groupId);
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.consumerOptions.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.consumerOptions.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: this.consumerOptions.maxWaitTimeMs ?? 500,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.state = 'joined';
      const assignment = Object.entries(payload.memberAssignment).flatMap(([wireTopic, partitions]) =>
        partitions.map((partition) => ({ topic: this.namespace.logical(wireTopic), partition })),
      );
      for (const revoked of this.tracker.onAssigned(assignment)) {
        this.metrics.consumerLag.remove({ topic: revoked.topic, partition: String(revoked.partition) });
      }
    });
    consumer.on(consumer.events.REBALANCING, () => {
      this.state = 'rebalancing';
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.state = 'crashed';
      if (!payload.restart) this.crashedForGood = true;
      this.log.error(
        { msg: 'consumer crashed', restart: payload.restart, error: errorMessage(payload.error) },
        KafkaBatchTransport.name,
      );
    });
    consumer.on(consumer.events.STOP, () => {
      this.state = 'stopped';
    });
    this.state = 'connecting';
    await consumer.connect();
    await consumer.subscribe({
      topics: topics.map((t) => this.namespace.wire(t)),
      fromBeginning: this.consumerOptions.fromBeginning,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.consumerOptions.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.runner.run(payload),
    });
    this.lagMonitor.start(this.consumerOptions.lagRefreshMs ?? DEFAULT_LAG_REFRESH_MS);
    this.log.log({ msg: 'consuming', topics, groupId }, KafkaBatchTransport.name);
  }

  private async stop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    this.log.log(
      { msg: 'draining: stop fetching, finish the in-flight batch, leave the group' },
      KafkaBatchTransport.name,
    );
    // What the batches done so far offered is committed while still a member; kafkajs' disconnect then stops the
    // runner, waits for the in-flight eachBatch (its offset is left to the next owner), and leaves the group.
    await this.runner.flushCommits();
    await consumer.disconnect();
    await this.lagMonitor.stop();
    await this.admin?.disconnect();
    this.state = 'stopped';
    this.log.log({ msg: 'consumer stopped' }, KafkaBatchTransport.name);
  }

  private async dispatch(batch: RecordBatch, heartbeat: () => Promise<void>): Promise<void> {
    const handler = this.getHandlerByPattern(batch.topic);
    if (!handler) throw new BusError('BUS_NO_HANDLER', `no handler for topic ${batch.topic}`);
    let result: unknown;
    try {
      result = await handler(batch, new KafkaBatchContext([batch, heartbeat]));
      // Nest turns a thrown handler error into an erroring Observable (after its exception filter logged it).
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      throw new BusError('BUS_HANDLER_FAILED', `handler for ${batch.topic} failed: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  private async highWatermarks(topic: string): Promise<ReadonlyMap<number, bigint>> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const offsets = await this.admin.fetchTopicOffsets(this.namespace.wire(topic));
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  }

  private seek(tp: TopicPartition, offset: string): void {
    this.consumer?.seek({ topic: this.namespace.wire(tp.topic), partition: tp.partition, offset });
  }

  private resolvePositions(): PartitionPositions | undefined {
    try {
      return this.moduleRef.get(PartitionPositions, { strict: false });
    } catch {
      return undefined;
    }
  }
}

function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return errorMessage(error);
}
