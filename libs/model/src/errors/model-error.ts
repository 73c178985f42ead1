/**
 * Stable codes of @lakehouse/model errors. Apps translate them at their edges (readiness, exit codes, DLQ reasons);
 * nothing parses messages.
 */
export const MODEL_ERROR_CODES = [
  'BACKEND_UNAVAILABLE',
  'MODEL_NOT_FOUND',
  'MODEL_CORRUPT',
  'NO_PROMOTED_MODEL',
  'INVALID_ARTIFACT',
  'INSUFFICIENT_DATA',
  'INVALID_ARGUMENT',
  'TRAINING_FAILED',
] as const;

export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number];

/** The one error class this library throws on purpose; `code` says what went wrong. */
export class ModelError extends Error {
  override readonly name = 'ModelError';

  constructor(
    readonly code: ModelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isModelError(error: unknown, code?: ModelErrorCode): error is ModelError {
  return error instanceof ModelError && (code === undefined || error.code === code);
}
