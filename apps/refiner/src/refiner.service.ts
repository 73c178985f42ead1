import { LakeCommitNotification, MessageProducer, OutboundMessage } from '@lakehouse/bus';
import { Injectable } from '@nestjs/common';
import { REFINER_TOPICS } from './config/refiner.config';

/**
 * Bronze commits → `ticks.refined`, one record per tick, keyed by symbol, in commit order.
 * Skeleton: passes the notification's inline ticks through unchanged. Later: read the new Bronze versions from the
 * lake, validate and deduplicate into Silver, and publish what Silver accepted.
 */
@Injectable()
export class RefinerService {
  constructor(private readonly producer: MessageProducer) {}

  async refine(notifications: readonly LakeCommitNotification[]): Promise<void> {
    const messages: OutboundMessage[] = notifications.flatMap((n) =>
      (n.skeletonInlineRecords ?? []).map((r) => ({ key: r.symbol, value: Buffer.from(r.payload) })),
    );
    await this.producer.send(REFINER_TOPICS.output, messages);
  }
}
