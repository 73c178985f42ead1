export { type FileRecord, FileStructureError, JsonArraySplitter, NdjsonSplitter } from './record-splitter';
export {
  describeTickFile,
  expandTickFileArgs,
  readTickFile,
  type ReadOptions,
  type TickFileInfo,
} from './tick-file';
