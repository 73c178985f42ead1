import { type LakeCommitNotification, MessageProducer, type OutboundMessage } from '@lakehouse/bus';
import { BRONZE_TICKS, Lake } from '@lakehouse/lake';
import { Injectable } from '@nestjs/common';
import { type Table } from 'apache-arrow';
import { REFINER_TOPICS } from './config/refiner.config';

/**
 * Bronze commits → `ticks.refined`, one record per tick, keyed by symbol, in commit order.
 * `lake.commits` only says when to look: the rows come from the Bronze versions added since the last one handled,
 * read from the Delta log. Skeleton: the rows pass through unchanged and the position lives in memory, so a restart
 * re-reads Bronze from version 0 (at-least-once). Silver replaces both: validation, event ids and MERGE, with the
 * Bronze version stored in Silver's own commit.
 */
@Injectable()
export class RefinerService {
  private position = 0n;

  constructor(
    private readonly producer: MessageProducer,
    private readonly lake: Lake,
  ) {}

  async refine(notifications: readonly LakeCommitNotification[]): Promise<void> {
    const versions = notifications
      .filter((n) => n.table === BRONZE_TICKS.name && n.version !== null)
      .map((n) => BigInt(n.version!));
    if (versions.length === 0) return;
    const upTo = versions.reduce((a, b) => (a > b ? a : b));
    if (upTo <= this.position) return;
    const rows = await this.lake.changes(BRONZE_TICKS, this.position, upTo);
    const messages = inCommitOrder(rows);
    if (messages.length > 0) await this.producer.send(REFINER_TOPICS.output, messages);
    this.position = upTo;
  }
}

/** The rows in the order they entered Bronze: commit version, then Kafka partition and offset, or file record. */
function inCommitOrder(rows: Table): OutboundMessage[] {
  const column = (name: string) => rows.getChild(name);
  const [version, partition, offset, record, symbol, payload] = [
    column('_commit_version'),
    column('kafka_partition'),
    column('kafka_offset'),
    column('file_record'),
    column('symbol'),
    column('raw_payload'),
  ];
  const int = (value: unknown, fallback: bigint): bigint =>
    typeof value === 'bigint' || typeof value === 'number' ? BigInt(value) : fallback;
  const key = (i: number): bigint[] => [
    int(version?.get(i), 0n),
    int(partition?.get(i), -1n),
    int(offset?.get(i) ?? record?.get(i), 0n),
  ];
  const order = Array.from({ length: rows.numRows }, (_, i) => i).sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let k = 0; k < ka.length; k++) if (ka[k] !== kb[k]) return ka[k]! < kb[k]! ? -1 : 1;
    return 0;
  });
  return order.map((i) => ({
    key: String(symbol?.get(i)),
    value: Buffer.from(String(payload?.get(i))),
  }));
}
