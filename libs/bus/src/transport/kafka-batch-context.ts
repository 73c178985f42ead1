import { BaseRpcContext } from '@nestjs/microservices';
import { RecordBatch } from '../records';

type KafkaBatchContextArgs = [batch: RecordBatch, heartbeat: () => Promise<void>];

/** The `@Ctx()` of a batch handler; the batch itself is the `@Payload()`. */
export class KafkaBatchContext extends BaseRpcContext<KafkaBatchContextArgs> {
  getBatch(): RecordBatch {
    return this.args[0];
  }

  /** Tells the group coordinator this member is alive; call it during a handler that may outlast the session timeout. */
  heartbeat(): Promise<void> {
    return this.args[1]();
  }
}
