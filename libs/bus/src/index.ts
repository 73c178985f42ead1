export { BusError, type BusErrorCode } from './bus-error';
export {
  BUS_OPTIONS,
  DEFAULT_RETRY,
  Namespace,
  type BusOptions,
  type ConsumerOptions,
  type RetryBackoff,
  type SaslCredentials,
} from './bus-options';
export { BusModule } from './bus.module';
export { decodeJson, encodeJson, parseJson, schemaVersionOf, validateJson } from './codec';
export {
  batchIdOf,
  topicPartitionKey,
  type BusRecord,
  type OutboundMessage,
  type RecordBatch,
  type TopicMessages,
  type TopicPartition,
} from './records';
export { pipelineTopology, TOPICS, type TopicName, type TopicSpec, type TopologyOptions } from './topology';
export { MessageProducer } from './ports/message-producer.port';
export { TopicAdmin } from './ports/topic-admin.port';
export {
  DEAD_LETTER_HEADERS,
  DeadLetterPort,
  deadLetterOf,
  type DeadLetter,
  type DeadLetterReason,
} from './ports/dead-letter.port';
export { PartitionPositions, type PartitionPosition } from './ports/partition-positions.port';
export { KAFKA_CLIENT, createKafkaClient } from './kafka/kafka-client';
export { KafkaMessageProducer } from './kafka/kafka-message-producer';
export { KafkaTopicAdmin } from './kafka/kafka-topic-admin';
export { ProducerDeadLetter } from './kafka/producer-dead-letter';
export { KafkaBatchTransport } from './transport/kafka-batch-transport';
export { KafkaBatchContext } from './transport/kafka-batch-context';
export { OffsetCommitter, type OffsetsToCommit } from './transport/offset-committer';
export { RpcErrorPassthroughFilter } from './transport/rpc-error-passthrough.filter';
export {
  fakeRecordBatch,
  InMemoryDeadLetter,
  InMemoryMessageProducer,
  InMemoryPartitionPositions,
  InMemoryTopicAdmin,
} from './fakes/in-memory-bus';
export { busOptionsFromEnv, type KafkaEnvConfig } from './bus-env';
export {
  LAKE_COMMIT_ROWS_HEADER,
  LAKE_COMMIT_ROWS_MAX_BYTES,
  LAKE_COMMIT_SCHEMA_VERSION,
  lakeCommitNotificationSchema,
  type LakeCommitNotification,
} from './contracts/lake-commit.contract';
export {
  type ModelWindow,
  decodeFloat32Le,
  encodeFloat32Le,
  toModelWindow,
} from './contracts/model-window.codec';
export {
  MAX_EVENTS_PER_REFINED_RECORD,
  REFINED_TICKS_SCHEMA_VERSION,
  decodeRefinedTicks,
  encodeRefinedTick,
  refinedTickRecords,
  refinedTicksWireSchema,
  type RefinedTick,
  type RefinedTickDraft,
  type RefinedTicksRecord,
  type RefinedTicksWire,
} from './contracts/refined-tick.contract';
export {
  MAX_EVENTS_PER_OUTCOME_RECORD,
  TICK_OUTCOME_RUN_SCHEMA_VERSION,
  TICK_OUTCOME_SCHEMA_VERSION,
  decodeTickOutcomes,
  tickOutcomeRecords,
  tickOutcomeRunSchema,
  tickOutcomeSchema,
  type TickOutcome,
  type TickOutcomeRunWire,
} from './contracts/tick-outcome.contract';
export {
  MAX_EVENTS_PER_PREDICTION_RECORD,
  PREDICTION_RUN_SCHEMA_VERSION,
  PREDICTION_SCHEMA_VERSION,
  decodeSignalRecords,
  predictionRejectSchema,
  predictionRunSchema,
  predictionSchema,
  signalRecordSchema,
  signalRecords,
  type Prediction,
  type PredictionRunWire,
  type PredictionReject,
  type SignalRecord,
} from './contracts/prediction.contract';
