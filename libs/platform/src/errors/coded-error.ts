/**
 * Base of every error the platform's libraries throw: a stable string `code` that edges translate (DLQ reason,
 * retry decision, HTTP status, exit code) without parsing messages. Each module declares its own small code family.
 */
export class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Reads a code from anything thrown, for logs and metrics; `UNKNOWN` when it carries none. */
export function errorCode(error: unknown): string {
  if (error instanceof CodedError) return (error as CodedError).code;
  return 'UNKNOWN';
}

/** A one-line description of anything thrown, for logs. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
