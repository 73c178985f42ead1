import { CodedError } from '@lakehouse/platform';

/** Codes of errors the predictor throws on purpose; the batch runner logs the code and retries the batch. */
export type PredictorErrorCode =
  /** No model is loaded yet (none promoted, or the promoted one is missing or corrupt): retry, lose nothing. */
  'MODEL_NOT_READY';

export class PredictorError extends CodedError<PredictorErrorCode> {}
