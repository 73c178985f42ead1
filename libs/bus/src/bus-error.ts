import { CodedError } from '@lakehouse/platform';

export type BusErrorCode =
  | 'BUS_CONNECT_FAILED'
  | 'BUS_NOT_CONNECTED'
  | 'BUS_PRODUCE_FAILED'
  | 'BUS_TOPIC_ADMIN_FAILED'
  | 'BUS_DECODE_FAILED'
  | 'BUS_HANDLER_FAILED'
  | 'BUS_NO_HANDLER'
  | 'BUS_POSITION_LOOKUP_FAILED';

export class BusError extends CodedError<BusErrorCode> {}
