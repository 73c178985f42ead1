export {
  blockFrom,
  blockOfRecords,
  type BlockSplitter,
  NdjsonBlockSplitter,
  type RecordBlock,
} from './record-block';
export { type FileRecord, FileStructureError, JsonArraySplitter, NdjsonSplitter } from './record-splitter';
export {
  describeTickFile,
  expandTickFileArgs,
  readTickFile,
  readTickFileBlocks,
  type ReadOptions,
  type TickFileInfo,
} from './tick-file';
