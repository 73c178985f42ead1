/**
 * Typed errors of the Delta binding. The native side throws an `Error` whose message is
 * `LAKEHOUSE_DELTA_ERROR:` followed by JSON `{code, message, kind?, causes}` (see `crate/src/error.rs`);
 * {@link toDeltaError} rebuilds it as one of the classes below, keeping the native error as `cause`.
 */

const ERROR_PREFIX = 'LAKEHOUSE_DELTA_ERROR:';

/** The stable codes a {@link DeltaError} carries. */
export const DELTA_ERROR_CODES = [
  'TABLE_NOT_FOUND',
  'COMMIT_CONFLICT',
  'SCHEMA_MISMATCH',
  'INVALID_ARGUMENT',
  'OBJECT_STORE',
  'INTERNAL',
] as const;

/** One of {@link DELTA_ERROR_CODES}. */
export type DeltaErrorCode = (typeof DELTA_ERROR_CODES)[number];

/** Base class of every error the binding throws. */
export class DeltaError extends Error {
  /** The stable code; switch on this, not on the message. */
  readonly code: DeltaErrorCode;
  /** Messages of the Rust error's source chain, outermost first. */
  readonly causes: readonly string[];

  constructor(code: DeltaErrorCode, message: string, causes: readonly string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.causes = causes;
  }
}

/** No Delta table (no `_delta_log`) at the location, or the path does not exist. */
export class TableNotFoundError extends DeltaError {
  constructor(message: string, causes: readonly string[] = [], options?: ErrorOptions) {
    super('TABLE_NOT_FOUND', message, causes, options);
  }
}

/** The kinds of commit conflict delta-rs reports. */
export type CommitConflictKind =
  | 'ConcurrentAppend'
  | 'ConcurrentDeleteRead'
  | 'ConcurrentDeleteDelete'
  | 'MetadataChanged'
  | 'ConcurrentTransaction'
  | 'ProtocolChanged'
  | 'UnsupportedWriterVersion'
  | 'UnsupportedReaderVersion'
  | 'CorruptedState'
  | 'Predicate'
  | 'NoMetadata'
  | 'VersionAlreadyExists'
  | 'MaxCommitAttempts';

/** A concurrent commit won the race and this one could not be reconciled with it; retry the operation. */
export class CommitConflictError extends DeltaError {
  /** Which conflict delta-rs detected. */
  readonly kind: CommitConflictKind;

  constructor(
    message: string,
    kind: CommitConflictKind,
    causes: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super('COMMIT_CONFLICT', message, causes, options);
    this.kind = kind;
  }
}

/** The caller passed something unusable: a corrupt IPC buffer, a bad predicate or SQL, a version that does not exist… */
export class InvalidArgumentError extends DeltaError {
  constructor(message: string, causes: readonly string[] = [], options?: ErrorOptions) {
    super('INVALID_ARGUMENT', message, causes, options);
  }
}

/**
 * The data does not match the table's schema and no schema merge was asked for. It is a kind of invalid
 * argument: `instanceof InvalidArgumentError` holds, while `code` stays `SCHEMA_MISMATCH`.
 */
export class SchemaMismatchError extends InvalidArgumentError {
  override readonly code = 'SCHEMA_MISMATCH' as const;
}

/** The object store failed (permissions, network, a missing object). */
export class ObjectStoreError extends DeltaError {
  constructor(message: string, causes: readonly string[] = [], options?: ErrorOptions) {
    super('OBJECT_STORE', message, causes, options);
  }
}

/** A bug or an unexpected state in the binding or delta-rs, panics included. */
export class InternalError extends DeltaError {
  constructor(message: string, causes: readonly string[] = [], options?: ErrorOptions) {
    super('INTERNAL', message, causes, options);
  }
}

interface NativeErrorPayload {
  code: DeltaErrorCode;
  message: string;
  kind?: string;
  causes: string[];
}

function isPayload(value: unknown): value is NativeErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    (DELTA_ERROR_CODES as readonly string[]).includes(v.code) &&
    typeof v.message === 'string' &&
    Array.isArray(v.causes)
  );
}

function parsePayload(message: string): NativeErrorPayload | undefined {
  const at = message.indexOf(ERROR_PREFIX);
  if (at < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(at + ERROR_PREFIX.length));
    return isPayload(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Rebuilds a thrown native error as a typed {@link DeltaError}; anything unrecognised becomes an {@link InternalError}. */
export function toDeltaError(error: unknown): DeltaError {
  if (error instanceof DeltaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const payload = parsePayload(message);
  const options = { cause: error };
  if (payload === undefined) return new InternalError(message, [], options);
  const { code, causes } = payload;
  switch (code) {
    case 'TABLE_NOT_FOUND':
      return new TableNotFoundError(payload.message, causes, options);
    case 'COMMIT_CONFLICT':
      return new CommitConflictError(
        payload.message,
        (payload.kind ?? 'ConcurrentTransaction') as CommitConflictKind,
        causes,
        options,
      );
    case 'SCHEMA_MISMATCH':
      return new SchemaMismatchError(payload.message, causes, options);
    case 'INVALID_ARGUMENT':
      return new InvalidArgumentError(payload.message, causes, options);
    case 'OBJECT_STORE':
      return new ObjectStoreError(payload.message, causes, options);
    case 'INTERNAL':
      return new InternalError(payload.message, causes, options);
  }
}

/** Awaits a native call and rethrows its failure as a typed {@link DeltaError}. */
export async function callNative<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toDeltaError(error);
  }
}
