import { type Data, type DataType, type Float, Precision, type Table, Type } from 'apache-arrow';

import type { ColumnarBatch, ColumnBuffers } from '../native/native.js';
import { schemaToIpc } from './arrow.js';

/**
 * A table as the binding's `writeColumns` takes it: its schema as IPC (no rows) and, per record batch, each
 * column's buffers as they are (views of the same memory, not copies).
 */
export interface ColumnarTable {
  readonly schema: Buffer;
  readonly batches: ColumnarBatch[];
}

/** Flat types whose buffers the binding takes as they are (half floats aside, see {@link takesBuffers}). */
const BUFFER_TYPES: ReadonlySet<Type> = new Set([
  Type.Int,
  Type.Float,
  Type.Bool,
  Type.Utf8,
  Type.Binary,
  Type.Date,
  Type.Timestamp,
]);

/** Whether the binding takes columns of this type as plain buffers (flat types only). */
function takesBuffers(type: DataType): boolean {
  if (!BUFFER_TYPES.has(type.typeId)) return false;
  return type.typeId !== Type.Float || (type as Float).precision !== Precision.HALF;
}

function bytesOf(view: ArrayBufferView | undefined): Buffer | undefined {
  if (view === undefined) return undefined;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * One column's buffers. apache-arrow positions `values` (fixed width) and `valueOffsets` at the column's first
 * row, while the validity bitmap and bit-packed booleans are read from bit `offset`: the same offsets go over.
 */
function columnBuffers(data: Data): ColumnBuffers {
  const nullCount = data.nullCount;
  const variableWidth = data.typeId === Type.Utf8 || data.typeId === Type.Binary;
  return {
    offset: data.typeId === Type.Bool ? data.offset : 0,
    nullCount,
    validity: nullCount > 0 ? bytesOf(data.nullBitmap) : undefined,
    validityOffset: data.offset,
    values: bytesOf(data.values as ArrayBufferView | undefined),
    valueOffsets: variableWidth ? bytesOf(data.valueOffsets as ArrayBufferView | undefined) : undefined,
  };
}

/**
 * The table's record batches as column buffers, or `undefined` when a column has a type the binding does not take
 * that way (nested, dictionary, large or half-float types: those go as IPC).
 */
export function toColumnarTable(table: Table): ColumnarTable | undefined {
  if (!table.schema.fields.every((field) => takesBuffers(field.type as DataType))) return undefined;
  return {
    schema: schemaToIpc(table.schema),
    batches: table.batches.map((batch) => ({
      length: batch.numRows,
      columns: batch.data.children.map(columnBuffers),
    })),
  };
}
