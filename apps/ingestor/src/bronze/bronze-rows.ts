import { parseRawTick, type TickParserOptions } from '@lakehouse/domain';
import { type BronzeSource, type BronzeTickRow, type QuarantineRow } from '@lakehouse/lake';

export type BronzeOutcome =
  | { readonly kind: 'row'; readonly row: BronzeTickRow }
  | { readonly kind: 'reject'; readonly reject: QuarantineRow };

const EMPTY = new Uint8Array(0);

/**
 * One payload, live or from a file, becomes either a Bronze row or a quarantine row with its reason. The same
 * function serves both paths, so a tick is judged the same way whichever way it arrived.
 */
export function toBronzeOutcome(
  bytes: Uint8Array | null,
  source: BronzeSource,
  ingestTimeUs: bigint,
  options: TickParserOptions,
): BronzeOutcome {
  const payload = bytes ?? EMPTY;
  const parsed = parseRawTick(payload, options);
  if (parsed.ok) {
    return { kind: 'row', row: { tick: parsed.tick, rawPayload: parsed.raw, ingestTimeUs, source } };
  }
  return {
    kind: 'reject',
    reject: {
      rawBytes: payload,
      reasonCode: parsed.reason.code,
      reasonMessage: parsed.reason.message,
      ingestTimeUs,
      source,
    },
  };
}
