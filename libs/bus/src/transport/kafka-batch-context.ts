import { BaseRpcContext } from '@nestjs/microservices';
import { RecordBatch } from '../records';

type KafkaBatchContextArgs = [batch: RecordBatch];

/** The `@Ctx()` of a batch handler; the batch itself is the `@Payload()`. */
export class KafkaBatchContext extends BaseRpcContext<KafkaBatchContextArgs> {
  getBatch(): RecordBatch {
    return this.args[0];
  }
}
