export { acquireKafka, type KafkaHandle } from './kafka-harness';
