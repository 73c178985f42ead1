/**
 * The few protobuf wire-format encoders an ONNX ModelProto needs (varint, length-delimited, fixed32 floats). The
 * ONNX schema is stable and small enough that a dependency on a protobuf runtime plus generated code would be
 * heavier than this file.
 */
const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

export type Message = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0n);
  return bytes;
}

function tag(field: number, wire: number): number[] {
  return varint((field << 3) | wire);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** An integer field (int32, int64, enum). */
export function intField(field: number, value: number | bigint): Uint8Array {
  return Uint8Array.from([...tag(field, WIRE_VARINT), ...varint(value)]);
}

export function bytesField(field: number, value: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...tag(field, WIRE_LENGTH_DELIMITED), ...varint(value.length)]), value]);
}

export function stringField(field: number, value: string): Uint8Array {
  return bytesField(field, new TextEncoder().encode(value));
}

export function messageField(field: number, parts: readonly Uint8Array[]): Uint8Array {
  return bytesField(field, concat(parts));
}

/** float32 field (wire type 5, little-endian). */
export function floatField(field: number, value: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = (field << 3) | 5;
  new DataView(out.buffer).setFloat32(1, value, true);
  return out;
}
