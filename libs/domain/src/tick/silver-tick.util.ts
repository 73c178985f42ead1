import { computeEventId } from '../event-id/event-id.util';
import { RawTick } from './tick-contract.schema';
import { SilverTick } from './silver-tick.schema';

/**
 * The Silver view of a Bronze tick: its canonical event id plus the fields features, labels and bars use. Call it
 * after `validateTick` accepted the tick.
 */
export function toSilverTick(tick: RawTick): SilverTick {
  return {
    eventId: computeEventId(tick),
    symbol: tick.symbol,
    eventTimeUs: tick.eventTimeUs,
    price: tick.price,
    volume: tick.volume,
  };
}
