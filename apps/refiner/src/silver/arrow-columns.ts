import { type Table, type Vector } from 'apache-arrow';

/**
 * Column readers for Arrow tables read from the lake. Timestamps are read from their int64 buffers: apache-arrow's
 * `get` turns them into float milliseconds, which cannot hold every microsecond.
 */
export function column(table: Table, name: string): Vector {
  const vector = table.getChild(name);
  if (vector === null) throw new Error(`column ${name} is missing`);
  return vector;
}

/** Every value of an integer or timestamp column as bigint (nulls are not allowed). */
export function int64Values(table: Table, name: string): bigint[] {
  const out: bigint[] = [];
  for (const data of column(table, name).data) {
    const values = data.values as unknown;
    const wide = values instanceof BigInt64Array || values instanceof BigUint64Array;
    const narrow =
      values instanceof Int32Array || values instanceof Uint32Array || values instanceof Int16Array;
    if (!wide && !narrow) throw new Error(`column ${name} is not integers`);
    for (let i = 0; i < data.length; i += 1) {
      if (!data.getValid(i)) throw new Error(`column ${name} holds a null at row ${i}`);
      out.push(wide ? values[i]! : BigInt(values[i]!));
    }
  }
  return out;
}

export function stringAt(vector: Vector, i: number): string {
  const value: unknown = vector.get(i);
  if (typeof value !== 'string') throw new Error(`row ${i}: expected a string, got ${typeof value}`);
  return value;
}

export function nullableStringAt(vector: Vector | null, i: number): string | null {
  const value: unknown = vector?.get(i);
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new Error(`row ${i}: expected a string, got ${typeof value}`);
  return value;
}

export function numberAt(vector: Vector, i: number): number {
  const value: unknown = vector.get(i);
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`row ${i}: expected a number, got ${typeof value}`);
}

export function nullableBigintAt(vector: Vector | null, i: number): bigint | null {
  const value: unknown = vector?.get(i);
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  throw new Error(`row ${i}: expected an integer, got ${typeof value}`);
}
