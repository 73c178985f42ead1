import { RecordBatch, Schema, Table, tableFromIPC, tableToIPC } from 'apache-arrow';

import { InvalidArgumentError } from './errors.js';

/** Encodes a table as an Arrow IPC stream, the only form table data takes on its way to the native side. */
export function toIpc(table: Table): Buffer {
  const bytes = tableToIPC(table, 'stream');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Encodes an empty table with `schema`: how a schema alone travels to the native side. */
export function schemaToIpc(schema: Schema): Buffer {
  return toIpc(new Table(schema));
}

/** Decodes an Arrow IPC stream from the native side. */
export function fromIpc(buffer: Uint8Array): Table {
  return tableFromIPC(buffer);
}

/** Decodes a one-batch IPC stream (one step of a streamed query) into its record batch. */
export function batchFromIpc(buffer: Uint8Array): RecordBatch | undefined {
  return fromIpc(buffer).batches[0];
}

/** Accepts an Arrow table, or raw IPC bytes already encoded by the caller (passed through unchanged). */
export type ArrowInput = Table | Uint8Array;

/** Turns an {@link ArrowInput} into IPC bytes. */
export function inputToIpc(input: ArrowInput): Buffer {
  if (input instanceof Table) return toIpc(input);
  if (input instanceof Uint8Array) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (typeof input === 'object' && input !== null && 'schema' in input && 'batches' in input) {
    throw new InvalidArgumentError(
      'got an apache-arrow Table from another copy of apache-arrow (an ES module import?); ' +
        "build tables with the CommonJS build this package uses: require('apache-arrow')",
    );
  }
  throw new InvalidArgumentError('expected an apache-arrow Table or Arrow IPC bytes');
}
