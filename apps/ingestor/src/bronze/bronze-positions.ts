import { type PartitionPosition, PartitionPositions, type TopicPartition } from '@lakehouse/bus';
import { Injectable } from '@nestjs/common';
import { BronzeExactlyOnce, liveAppId } from './bronze-exactly-once';

/**
 * Where the ingestor resumes a partition: the offset after the last one `bronze.ticks` records for it. The Kafka
 * transport calls this on every assignment and after every failed batch (a commit conflict included).
 */
@Injectable()
export class BronzePartitionPositions extends PartitionPositions {
  constructor(private readonly bronze: BronzeExactlyOnce) {
    super();
  }

  async positionsFor(partitions: readonly TopicPartition[]): Promise<readonly PartitionPosition[]> {
    const appIds = partitions.map((p) => liveAppId(p.topic, p.partition));
    const stored = await this.bronze.loadPositions(appIds);
    return partitions.map((p, i) => {
      const last = stored.get(appIds[i]!);
      return { ...p, offset: last === undefined ? undefined : String(last + 1n) };
    });
  }
}
