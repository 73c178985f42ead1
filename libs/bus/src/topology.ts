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

/**
 * The pipeline's topics with their partition counts. Invariant: `lake.commits` has one partition, so commit
 * notifications are totally ordered (a consumer sees Delta versions in commit order).
 */
export function pipelineTopology(options: TopologyOptions): TopicSpec[] {
  const keyed = (name: string): TopicSpec => ({
    name,
    partitions: options.partitions,
    replicationFactor: options.replicationFactor,
  });
  return [
    keyed(TOPICS.ticksRaw),
    keyed(TOPICS.ticksDlq),
    { name: TOPICS.lakeCommits, partitions: 1, replicationFactor: options.replicationFactor },
    keyed(TOPICS.ticksRefined),
    keyed(TOPICS.ticksOutcomes),
    keyed(TOPICS.signalsPredictions),
  ];
}
