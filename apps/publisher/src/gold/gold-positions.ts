import { type PartitionPosition, PartitionPositions, type TopicPartition } from '@lakehouse/bus';
import { Injectable } from '@nestjs/common';
import { PUBLISHER_TOPICS } from '../config/publisher.config';
import { goldAppId, GoldExactlyOnce } from './gold-exactly-once';

/**
 * Where the Gold writer resumes a partition: the offset after the last one its Gold table records for it. The Kafka
 * transport calls this on every assignment and after every failed batch (a commit conflict included).
 */
@Injectable()
export class GoldPartitionPositions extends PartitionPositions {
  constructor(private readonly gold: GoldExactlyOnce) {
    super();
  }

  async positionsFor(partitions: readonly TopicPartition[]): Promise<readonly PartitionPosition[]> {
    const result: PartitionPosition[] = [];
    for (const target of ['predictions', 'bars'] as const) {
      const mine = partitions.filter((p) => (p.topic === PUBLISHER_TOPICS.refined) === (target === 'bars'));
      if (mine.length === 0) continue;
      const appIds = mine.map((p) => goldAppId(p.topic, p.partition));
      const stored = await this.gold.loadPositions(target, appIds);
      mine.forEach((p, i) => {
        const last = stored.get(appIds[i]!);
        result.push({ ...p, offset: last === undefined ? undefined : String(last + 1n) });
      });
    }
    return result;
  }
}
