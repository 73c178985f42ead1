export { Clock, FixedClock, SystemClock } from './clock/clock.port';
export { CodedError, errorCode, errorMessage } from './errors/coded-error';
export {
  checkKafkaAuth,
  commonEnv,
  httpPort,
  kafkaBrokers,
  kafkaEnv,
  lakeEnv,
  sensitive,
  sensitiveKeys,
  type LogLevelName,
} from './config/env-schema';
export {
  ConfigError,
  describeConfig,
  loadConfig,
  type ConfigErrorCode,
  type ConfigIssue,
  type EnvSchema,
} from './config/load-config';
export { currentCorrelationId, withCorrelationId } from './logging/correlation';
export { JsonLogger, type JsonLoggerOptions, type LogFields } from './logging/json-logger';
export { PipelineMetrics } from './metrics/pipeline-metrics';
export { ReadinessRegistry, type ProbeResult, type ReadinessProbe } from './health/readiness-registry';
export { APP_CONFIG, PlatformModule, type PlatformModuleOptions } from './platform.module';
export {
  bootstrapStage,
  runStage,
  type StageDefinition,
  type TransportStrategy,
} from './bootstrap/bootstrap-stage';
