/** The topics of the pipeline, by role. Every stage refers to them through this object, never by literal. */
export const TOPICS = {
  ticksRaw: 'ticks.raw',
  ticksDlq: 'ticks.dlq',
  lakeCommits: 'lake.commits',
  ticksRefined: 'ticks.refined',
  ticksOutcomes: 'ticks.outcomes',
  signalsPredictions: 'signals.predictions',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config?: Readonly<Record<string, string>>;
}

export interface TopologyOptions {
  /** Partitions of the keyed topics (ticks, signals). */
  readonly partitions: number;
  readonly replicationFactor: number;
}

/** Raw input is untrusted: its topics accept records far larger than a tick, up to this size. */
export const UNTRUSTED_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * The pipeline's topics with their partition counts. Invariant: `lake.commits` has one partition, so commit
 * notifications are totally ordered (a consumer sees Delta versions in commit order).
 */
export function pipelineTopology(options: TopologyOptions): TopicSpec[] {
  const keyed = (name: string, config?: Readonly<Record<string, string>>): TopicSpec => ({
    name,
    partitions: options.partitions,
    replicationFactor: options.replicationFactor,
    ...(config ? { config } : {}),
  });
  return [
    // Oversize ticks must reach the ingestor, to be dead-lettered with a reason instead of failing their producer.
    keyed(TOPICS.ticksRaw, { 'max.message.bytes': String(UNTRUSTED_MAX_MESSAGE_BYTES) }),
    keyed(TOPICS.ticksDlq, { 'max.message.bytes': String(UNTRUSTED_MAX_MESSAGE_BYTES) }),
    { name: TOPICS.lakeCommits, partitions: 1, replicationFactor: options.replicationFactor },
    keyed(TOPICS.ticksRefined),
    keyed(TOPICS.ticksOutcomes),
    keyed(TOPICS.signalsPredictions),
  ];
}
