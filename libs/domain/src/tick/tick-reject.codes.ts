/**
 * Why Bronze refused a payload. Stable strings: they are written to the dead-letter topic and counted in metrics,
 * so rename one only with a migration of both.
 */
export const TICK_REJECT_CODES = [
  'PAYLOAD_TOO_LARGE',
  'PAYLOAD_EMPTY',
  'INVALID_UTF8',
  'INVALID_JSON',
  'NOT_AN_OBJECT',
  'MISSING_FIELD',
  'WRONG_TYPE',
  'INVALID_UNICODE',
  'NON_FINITE_NUMBER',
  'TIMESTAMP_UNPARSEABLE',
  'TIMESTAMP_OUT_OF_RANGE',
] as const;

export type TickRejectCode = (typeof TICK_REJECT_CODES)[number];

export interface TickRejectReason {
  readonly code: TickRejectCode;
  readonly message: string;
  /** The JSON field at fault, when there is one. */
  readonly field?: string;
}
