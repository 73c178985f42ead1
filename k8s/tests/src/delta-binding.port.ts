import { createRequire } from 'node:module';

/**
 * The slice of @lakehouse/delta and apache-arrow the S3 binding spec uses, loaded at run time: k8s/tests must keep
 * compiling while the binding's facade evolves, without a project reference to libs/delta.
 */
export interface ArrowTable {
  readonly numRows: number;
  readonly schema: unknown;
  getChild(name: string): { toArray(): ArrayLike<number | bigint> } | null;
}

export interface DeltaTableLike {
  version(): Promise<number>;
  refresh(): Promise<number>;
  append(data: ArrowTable): Promise<{ readonly version: number }>;
  toArrow(options?: { readonly columns?: readonly string[] }): Promise<ArrowTable>;
  history(limit?: number): Promise<readonly { readonly version: number }[]>;
  checkout(at: { readonly version: number }): Promise<DeltaTableLike>;
  optimize(options?: object): Promise<{ readonly version: number }>;
  vacuum(options?: {
    readonly retentionHours?: number;
    readonly enforceRetention?: boolean;
  }): Promise<{ readonly filesDeleted: readonly string[] }>;
}

export interface DeltaModule {
  readonly DeltaTable: {
    create(
      uri: string,
      schema: unknown,
      options: { readonly storageOptions: Record<string, string> },
    ): Promise<DeltaTableLike>;
    open(uri: string, options: { readonly storageOptions: Record<string, string> }): Promise<DeltaTableLike>;
  };
}

export interface ArrowModule {
  tableFromArrays(columns: Record<string, ArrayLike<number | bigint>>): ArrowTable;
}

// A variable specifier keeps tsc from resolving (and requiring the build of) the packages at compile time.
const DELTA: string = '@lakehouse/delta';
const ARROW = 'apache-arrow';
// require, not import(): apache-arrow ships separate CommonJS and ES module builds, and libs/delta uses the CommonJS
// one; a Schema from the other build fails its instanceof checks and serializes as a corrupt IPC stream.
const requireCjs = createRequire(__filename);

export function loadDelta(): Promise<{ delta: DeltaModule; arrow: ArrowModule }> {
  return Promise.resolve({
    delta: requireCjs(DELTA) as DeltaModule,
    arrow: requireCjs(ARROW) as ArrowModule,
  });
}

/** The storage options the services get (the AWS_* keys of lakehouse-config / s3-server.sh). */
export function storageOptionsFrom(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('AWS_') && e[1] !== undefined),
  );
}

export const ROWS_PER_APPEND = 10;
export const ID_STRIDE = 1_000_000;

/** `ROWS_PER_APPEND` rows with ids unique per (writer, round). */
export function rowsFor(arrow: ArrowModule, writer: number, round: number): ArrowTable {
  const first = writer * ID_STRIDE + round * ROWS_PER_APPEND;
  return arrow.tableFromArrays({
    id: BigInt64Array.from({ length: ROWS_PER_APPEND }, (_, i) => BigInt(first + i)),
    writer: Int32Array.from({ length: ROWS_PER_APPEND }, () => writer),
  });
}
