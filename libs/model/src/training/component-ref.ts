import { join } from 'node:path';

/**
 * A port adapter named so that another thread can build it: a module path, the class it exports, and JSON-able
 * constructor arguments. Workers cannot receive class instances; they receive this and construct their own.
 */
export interface ComponentRef {
  readonly module: string;
  readonly export: string;
  readonly args: readonly unknown[];
}

/** Builds the adapter a {@link ComponentRef} names. */
export function constructComponent<T>(ref: ComponentRef): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is named at run time
  const exported = (require(ref.module) as Record<string, unknown>)[ref.export];
  if (typeof exported !== 'function') throw new TypeError(`${ref.module} has no export ${ref.export}`);
  return new (exported as new (...args: unknown[]) => T)(...ref.args);
}

/** The filesystem model store rooted at `root`. */
export function filesystemStoreRef(root: string): ComponentRef {
  return {
    module: join(__dirname, '../store/filesystem-model-store.js'),
    export: 'FilesystemModelStore',
    args: [root],
  };
}

/** Raw tick NDJSON read through the domain parser (local runs, benchmarks). */
export function ndjsonSourceRef(path: string, exchangeTimeZone?: string): ComponentRef {
  return {
    module: join(__dirname, '../dataset/ndjson-training-data-source.js'),
    export: 'NdjsonTrainingDataSource',
    args: [path, exchangeTimeZone],
  };
}
