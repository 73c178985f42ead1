//! Record batches handed over as their column buffers, without an IPC encoding on the JS side or a decoded copy
//! on this one: each buffer of a batch is the JS typed array's own memory, kept alive by a reference until the
//! last Arrow array over it is dropped. Every array is validated (offsets, UTF-8, lengths, null counts) before use.

use std::panic::RefUnwindSafe;
use std::ptr::NonNull;
use std::sync::Arc;

use deltalake::arrow::array::ArrayData;
use deltalake::arrow::array::{make_array, ArrayRef, RecordBatch, RecordBatchOptions};
use deltalake::arrow::buffer::{BooleanBuffer, Buffer as ArrowBuffer, NullBuffer};
use deltalake::arrow::datatypes::{DataType, SchemaRef};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::error::{BindingError, Result};

/// One column of a batch as Arrow lays it out in memory.
#[napi(object)]
pub struct ColumnBuffers {
    /// Offset, in values (bits for booleans), of the first row in `values` / `valueOffsets`.
    pub offset: u32,
    /// Rows without a value; `validity` is required when it is not zero.
    pub null_count: u32,
    /// The validity bitmap (bit set = value present); absent when no value is null.
    pub validity: Option<Buffer>,
    /// Bit offset of the first row in `validity`.
    pub validity_offset: u32,
    /// Fixed-width values, bit-packed booleans, or the bytes of `utf8` / `binary` values.
    pub values: Option<Buffer>,
    /// `utf8` / `binary` only: `length + 1` 32-bit offsets into `values`.
    pub value_offsets: Option<Buffer>,
}

/// One record batch: `length` rows, a [`ColumnBuffers`] per field of the schema, in order.
#[napi(object)]
pub struct ColumnarBatch {
    /// Rows in the batch.
    pub length: u32,
    /// The columns, one per schema field.
    pub columns: Vec<ColumnBuffers>,
}

/// Keeps a JS buffer alive for as long as Arrow uses its memory. `Buffer` drops its reference on the JS thread
/// whichever thread drops it (napi-rs sends it back there).
struct JsMemory(#[allow(dead_code)] Buffer);

// Nothing observes a JS buffer's state across a panic: the memory is only read.
impl RefUnwindSafe for JsMemory {}

fn arrow_buffer(buffer: Buffer) -> ArrowBuffer {
    let len = buffer.len();
    match NonNull::new(buffer.as_ptr().cast_mut()) {
        Some(ptr) if len > 0 => {
            // SAFETY: `ptr` is valid for `len` bytes for as long as the JS buffer lives, and the owner keeps it
            // alive. The caller must not write to it until the operation that received it has settled (the TS
            // facade's contract), which is the same premise as borrowing an IPC buffer.
            unsafe { ArrowBuffer::from_custom_allocation(ptr, len, Arc::new(JsMemory(buffer))) }
        }
        _ => ArrowBuffer::from_vec(Vec::<u8>::new()),
    }
}

fn column(
    name: &str,
    data_type: &DataType,
    rows: usize,
    column: ColumnBuffers,
) -> Result<ArrayRef> {
    let invalid = |why: String| BindingError::invalid(format!("column {name}: {why}"));
    let nulls = match (column.null_count, column.validity) {
        (0, _) => None,
        (_, None) => return Err(invalid("nulls without a validity bitmap".into())),
        (count, Some(bits)) => {
            let bits = arrow_buffer(bits);
            let offset = column.validity_offset as usize;
            if bits.len() * 8 < offset + rows {
                return Err(invalid(format!(
                    "a validity bitmap of {} bytes cannot hold {rows} rows from bit {offset}",
                    bits.len()
                )));
            }
            let nulls = NullBuffer::new(BooleanBuffer::new(bits, offset, rows));
            if nulls.null_count() != count as usize {
                return Err(invalid(format!(
                    "nullCount {count} but the bitmap has {} nulls",
                    nulls.null_count()
                )));
            }
            Some(nulls)
        }
    };
    let values = column
        .values
        .map(arrow_buffer)
        .ok_or_else(|| invalid("no values buffer".into()))?;
    let mut builder = ArrayData::builder(data_type.clone())
        .len(rows)
        .offset(column.offset as usize)
        .nulls(nulls)
        .align_buffers(true);
    builder = match data_type {
        DataType::Utf8 | DataType::Binary => {
            let offsets = column
                .value_offsets
                .map(arrow_buffer)
                .ok_or_else(|| invalid("no value offsets".into()))?;
            builder.add_buffer(offsets).add_buffer(values)
        }
        DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float32
        | DataType::Float64
        | DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, _) => builder.add_buffer(values),
        other => return Err(invalid(format!("{other} columns are not taken as buffers"))),
    };
    let data = builder.build().map_err(|e| invalid(e.to_string()))?;
    Ok(make_array(data))
}

/// Record batches of `schema` over the buffers of `batches`; an `INVALID_ARGUMENT` when a buffer does not fit.
pub fn to_record_batches(
    schema: &SchemaRef,
    batches: Vec<ColumnarBatch>,
) -> Result<Vec<RecordBatch>> {
    batches
        .into_iter()
        .map(|batch| {
            let rows = batch.length as usize;
            if batch.columns.len() != schema.fields().len() {
                return Err(BindingError::invalid(format!(
                    "a batch has {} columns, the schema {}",
                    batch.columns.len(),
                    schema.fields().len()
                )));
            }
            let arrays = schema
                .fields()
                .iter()
                .zip(batch.columns)
                .map(|(field, buffers)| column(field.name(), field.data_type(), rows, buffers))
                .collect::<Result<Vec<_>>>()?;
            let options = RecordBatchOptions::new().with_row_count(Some(rows));
            RecordBatch::try_new_with_options(Arc::clone(schema), arrays, &options)
                .map_err(|e| BindingError::invalid(format!("invalid batch: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use deltalake::arrow::array::{Array, Int64Array, StringArray};
    use deltalake::arrow::datatypes::{Field, Schema};

    const ROWS: u32 = 3;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("symbol", DataType::Utf8, true),
        ]))
    }

    fn bytes<T: Copy>(values: &[T]) -> Buffer {
        let size = std::mem::size_of_val(values);
        // SAFETY: plain numbers viewed as their bytes.
        let raw = unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), size) };
        Buffer::from(raw.to_vec())
    }

    fn ids() -> ColumnBuffers {
        ColumnBuffers {
            offset: 0,
            null_count: 0,
            validity: None,
            validity_offset: 0,
            values: Some(bytes(&[1i64, 2, 3])),
            value_offsets: None,
        }
    }

    fn symbols(text: &[u8], null_count: u32) -> ColumnBuffers {
        ColumnBuffers {
            offset: 0,
            null_count,
            validity: Some(Buffer::from(vec![0b101u8])),
            validity_offset: 0,
            values: Some(Buffer::from(text.to_vec())),
            value_offsets: Some(bytes(&[0i32, 1, 1, 3])),
        }
    }

    fn batch(columns: Vec<ColumnBuffers>) -> Vec<ColumnarBatch> {
        vec![ColumnarBatch {
            length: ROWS,
            columns,
        }]
    }

    #[test]
    fn column_buffers_become_the_arrays_they_lay_out() {
        let batches =
            to_record_batches(&schema(), batch(vec![ids(), symbols(b"ACC", 1)])).expect("valid");
        let ids = batches[0]
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .expect("i64");
        assert_eq!(ids.values().to_vec(), vec![1, 2, 3]);
        let symbols = batches[0]
            .column(1)
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("utf8");
        assert_eq!(
            symbols.iter().collect::<Vec<_>>(),
            vec![Some("A"), None, Some("CC")]
        );
    }

    #[test]
    fn a_null_count_the_bitmap_contradicts_is_an_invalid_argument() {
        let err = to_record_batches(&schema(), batch(vec![ids(), symbols(b"ACC", 2)]))
            .expect_err("must fail");
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
    }

    #[test]
    fn invalid_utf8_is_an_invalid_argument() {
        let err = to_record_batches(
            &schema(),
            batch(vec![ids(), symbols(&[b'A', 0xff, 0xfe], 1)]),
        )
        .expect_err("must fail");
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
    }

    #[test]
    fn values_shorter_than_the_rows_are_an_invalid_argument() {
        let mut short = ids();
        short.values = Some(bytes(&[1i64, 2]));
        let err = to_record_batches(&schema(), batch(vec![short, symbols(b"ACC", 1)]))
            .expect_err("must fail");
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
    }
}
