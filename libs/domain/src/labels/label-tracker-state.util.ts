import { LabelTrackerState } from './label-tracker.util';

/** JSON-safe form of {@link LabelTrackerState} (bigints as decimal strings), for checkpoints. */
export interface LabelTrackerStateJson {
  readonly lastEventTimeUs: string | null;
  readonly lastPrice: number | null;
  readonly trailingReturns: readonly number[];
  readonly pending: ReadonlyArray<{
    readonly eventId: string;
    readonly eventTimeUs: string;
    readonly price: number;
    readonly threshold: number;
    readonly ticksToGo: number;
  }>;
}

export function labelTrackerStateToJson(state: LabelTrackerState): LabelTrackerStateJson {
  return {
    ...state,
    lastEventTimeUs: state.lastEventTimeUs === null ? null : state.lastEventTimeUs.toString(),
    pending: state.pending.map((p) => ({ ...p, eventTimeUs: p.eventTimeUs.toString() })),
  };
}

export function labelTrackerStateFromJson(json: LabelTrackerStateJson): LabelTrackerState {
  return {
    ...json,
    lastEventTimeUs: json.lastEventTimeUs === null ? null : BigInt(json.lastEventTimeUs),
    pending: json.pending.map((p) => ({ ...p, eventTimeUs: BigInt(p.eventTimeUs) })),
  };
}
