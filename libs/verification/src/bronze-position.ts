import { computeEventId } from '@lakehouse/domain';

/** Where a Bronze row came from, as one string: the key Silver's quarantine must carry for a rejected row. */
export function bronzePositionKey(position: {
  readonly source: string;
  readonly kafkaTopic: string | null;
  readonly kafkaPartition: number | null;
  readonly kafkaOffset: bigint | null;
  readonly fileRecord: bigint | null;
}): string {
  if (position.kafkaTopic !== null && position.kafkaPartition !== null && position.kafkaOffset !== null) {
    return `kafka:${position.kafkaTopic}:${position.kafkaPartition}:${position.kafkaOffset}`;
  }
  return `file:${position.source}:${position.fileRecord ?? 'none'}`;
}

/** The event id of a Bronze row, the way Silver computes it from the parsed tick (absent trade id is `null`). */
export function bronzeRowEventId(row: {
  readonly symbol: string;
  readonly eventTimeUs: bigint;
  readonly price: number;
  readonly volume: number;
  readonly tradeId: string | null;
}): string {
  return computeEventId({
    symbol: row.symbol,
    eventTimeUs: row.eventTimeUs,
    price: row.price,
    volume: row.volume,
    ...(row.tradeId === null ? {} : { tradeId: row.tradeId }),
  });
}
