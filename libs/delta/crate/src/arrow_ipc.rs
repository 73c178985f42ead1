//! Arrow IPC (stream format) in and out: the only way table data crosses the JS boundary.

use std::io::Cursor;
use std::sync::Arc;

use deltalake::arrow::array::RecordBatch;
use deltalake::arrow::datatypes::{Schema, SchemaRef};
use deltalake::arrow::ipc::reader::StreamReader;
use deltalake::arrow::ipc::writer::StreamWriter;

use crate::error::{BindingError, ErrorCode, Result};

/// Record batches decoded from one IPC stream, with the stream's schema.
pub struct DecodedBatches {
    /// The stream's schema (kept even when there are no batches).
    pub schema: SchemaRef,
    /// The batches, in stream order.
    pub batches: Vec<RecordBatch>,
}

impl DecodedBatches {
    /// Total number of rows over all batches.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// Decodes an Arrow IPC stream; a corrupt or truncated buffer is an `INVALID_ARGUMENT`.
pub fn decode(buffer: &[u8]) -> Result<DecodedBatches> {
    let corrupt = |e: deltalake::arrow::error::ArrowError| {
        BindingError::invalid(format!("corrupt Arrow IPC stream: {e}"))
    };
    let reader = StreamReader::try_new(Cursor::new(buffer), None).map_err(corrupt)?;
    let schema = reader.schema();
    let batches = reader
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(corrupt)?;
    Ok(DecodedBatches { schema, batches })
}

/// Encodes batches as one Arrow IPC stream.
pub fn encode(schema: &Schema, batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let encode_failed = |e: deltalake::arrow::error::ArrowError| {
        BindingError::new(ErrorCode::Internal, e.to_string())
    };
    let mut writer = StreamWriter::try_new(Vec::new(), schema).map_err(encode_failed)?;
    for batch in batches {
        writer.write(batch).map_err(encode_failed)?;
    }
    writer.finish().map_err(encode_failed)?;
    writer.into_inner().map_err(encode_failed)
}

/// Encodes batches that may be empty, taking the schema from the first batch if there is one.
pub fn encode_with_fallback(fallback: SchemaRef, batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let schema = batches
        .first()
        .map(RecordBatch::schema)
        .unwrap_or_else(|| Arc::clone(&fallback));
    encode(&schema, batches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use deltalake::arrow::array::{Int64Array, StringArray};
    use deltalake::arrow::datatypes::{DataType, Field};

    const ROWS: usize = 3;

    fn sample() -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("symbol", DataType::Utf8, true),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Int64Array::from(vec![1, 2, 3])),
                Arc::new(StringArray::from(vec![Some("A"), None, Some("C")])),
            ],
        )
        .expect("batch")
    }

    #[test]
    fn a_batch_survives_an_encode_decode_round_trip() {
        let batch = sample();
        let bytes = encode(&batch.schema(), std::slice::from_ref(&batch)).expect("encode");
        let decoded = decode(&bytes).expect("decode");
        assert_eq!(decoded.num_rows(), ROWS);
        assert_eq!(decoded.batches[0], batch);
    }

    #[test]
    fn a_truncated_stream_is_an_invalid_argument() {
        let batch = sample();
        let bytes = encode(&batch.schema(), &[batch]).expect("encode");
        let err = decode(&bytes[..bytes.len() / 2]).err().expect("must fail");
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
    }

    #[test]
    fn garbage_bytes_are_an_invalid_argument() {
        let err = decode(b"definitely not arrow").err().expect("must fail");
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
    }
}
