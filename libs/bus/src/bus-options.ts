import { TopicSpec } from './topology';

export interface RetryBackoff {
  /** Delay before the first retry of a failed batch. */
  readonly initialMs: number;
  /** Cap of the doubling delay. */
  readonly maxMs: number;
}

export interface ConsumerOptions {
  /** The stage's consumer group (namespaced like topics). */
  readonly groupId: string;
  /** Where a partition starts when neither the stage's durable store nor the group has a position. */
  readonly fromBeginning: boolean;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** How long the broker may hold a fetch open waiting for data. */
  readonly maxWaitTimeMs?: number;
  /**
   * Batches of different partitions (of one fetch) handed to the stage at once; 1 (the default): one after the
   * other. A stage that commits several partitions' batches together (the ingestor's group commit) raises it.
   */
  readonly partitionsConsumedConcurrently?: number;
  readonly retry?: RetryBackoff;
  /**
   * Kafka offsets are committed in the background, at most this often (default 1 s): a member that stops without
   * committing leaves up to this much to be consumed again by the next owner (see `OffsetCommitter`).
   */
  readonly offsetCommitIntervalMs?: number;
  /** How often the lag gauge is refreshed from the brokers' high watermarks between batches. */
  readonly lagRefreshMs?: number;
}

export interface SaslCredentials {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

export interface BusOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly ssl?: boolean;
  readonly sasl?: SaslCredentials;
  /**
   * Prefixed to every topic and group id on the wire (`<namespace>.ticks.raw`), so suites sharing a broker do not
   * see each other's records. Stages always use the logical names. Empty in production.
   */
  readonly namespace?: string;
  /** Topics created (idempotently) when the app starts. */
  readonly topology?: readonly TopicSpec[];
  /** Present for stages that consume: enables the batch transport. */
  readonly consumer?: ConsumerOptions;
}

export const BUS_OPTIONS = Symbol('BUS_OPTIONS');

export const DEFAULT_RETRY: RetryBackoff = { initialMs: 200, maxMs: 10_000 };

/** Maps logical topic/group names to wire names and back. */
export class Namespace {
  private readonly prefix: string;

  constructor(namespace: string | undefined) {
    this.prefix = namespace ? `${namespace}.` : '';
  }

  wire(name: string): string {
    return `${this.prefix}${name}`;
  }

  logical(wireName: string): string {
    return this.prefix && wireName.startsWith(this.prefix) ? wireName.slice(this.prefix.length) : wireName;
  }
}
