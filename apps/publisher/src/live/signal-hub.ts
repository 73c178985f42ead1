import { type Prediction, type TickOutcome } from '@lakehouse/bus';
import { SignalRing } from './signal-ring';

/** `prediction` socket event (see docs: the publisher protocol). */
export interface PredictionEvent {
  readonly seq: number;
  readonly symbol: string;
  readonly eventId: string;
  readonly eventTimeUs: string;
  readonly price: number;
  readonly probability: number;
  readonly predictedLabel: 0 | 1;
  readonly threshold: number;
  readonly modelVersion: string;
  readonly backend: string;
  readonly silverVersion: string;
  readonly publishedAt: string;
}

/** `outcome` socket event; the prediction fields are null when this replica never saw the prediction. */
export interface OutcomeEvent {
  readonly seq: number;
  readonly symbol: string;
  readonly eventId: string;
  readonly eventTimeUs: string;
  readonly realizedReturn: number;
  readonly label: 0 | 1;
  readonly labelVersion: string;
  readonly predictedLabel: 0 | 1 | null;
  readonly probability: number | null;
  readonly modelVersion: string | null;
}

export type LiveEvent =
  | { readonly name: 'prediction'; readonly payload: PredictionEvent }
  | { readonly name: 'outcome'; readonly payload: OutcomeEvent };

export interface Replay {
  readonly events: readonly LiveEvent[];
  /** Set when events after `since` are older than the history holds: the client fetches them from Gold. */
  readonly gap: { readonly symbol: string; readonly fromSeq: number; readonly toSeq: number } | null;
}

interface Seen {
  readonly predictedLabel: 0 | 1;
  readonly probability: number;
  readonly modelVersion: string;
}

/**
 * The live feed's state, per publisher process: a sequence number per symbol counting predictions and outcomes
 * together (strictly increasing within the process's run), the last `historySize` events of each symbol for replays,
 * and a bounded memory of event ids so an at-least-once redelivery is not sent twice.
 */
export class SignalHub {
  private readonly seqs = new Map<string, number>();
  private readonly history: SignalRing<LiveEvent>;
  private readonly predictions = new Map<string, Seen>();
  private readonly outcomes = new Set<string>();

  constructor(
    historySize: number,
    private readonly rememberedEvents: number,
  ) {
    this.history = new SignalRing(historySize);
  }

  /** The event to emit for a prediction, or `undefined` for one already sent. */
  prediction(p: Prediction, publishedAt: Date): LiveEvent | undefined {
    if (this.predictions.has(p.eventId)) return undefined;
    remember(
      this.predictions,
      p.eventId,
      {
        predictedLabel: p.predictedLabel,
        probability: p.probability,
        modelVersion: p.modelVersion,
      },
      this.rememberedEvents,
    );
    const event: LiveEvent = {
      name: 'prediction',
      payload: {
        seq: this.nextSeq(p.symbol),
        symbol: p.symbol,
        eventId: p.eventId,
        eventTimeUs: p.eventTimeUs,
        price: p.price,
        probability: p.probability,
        predictedLabel: p.predictedLabel,
        threshold: p.threshold,
        modelVersion: p.modelVersion,
        backend: p.backend,
        silverVersion: p.silverVersion,
        publishedAt: publishedAt.toISOString(),
      },
    };
    this.history.push(p.symbol, event);
    return event;
  }

  /** The event to emit for an outcome, or `undefined` for one already sent. */
  outcome(o: TickOutcome): LiveEvent | undefined {
    if (this.outcomes.has(o.eventId)) return undefined;
    this.outcomes.add(o.eventId);
    if (this.outcomes.size > this.rememberedEvents)
      this.outcomes.delete(this.outcomes.values().next().value!);
    const seen = this.predictions.get(o.eventId);
    const event: LiveEvent = {
      name: 'outcome',
      payload: {
        seq: this.nextSeq(o.symbol),
        symbol: o.symbol,
        eventId: o.eventId,
        eventTimeUs: o.eventTimeUs,
        realizedReturn: o.realizedReturn,
        label: o.label,
        labelVersion: o.labelVersion,
        predictedLabel: seen?.predictedLabel ?? null,
        probability: seen?.probability ?? null,
        modelVersion: seen?.modelVersion ?? null,
      },
    };
    this.history.push(o.symbol, event);
    return event;
  }

  /** What a client that last saw `since` of `symbol` missed, oldest first. */
  replay(symbol: string, since: number): Replay {
    // A `since` beyond this run's counter was issued by an earlier run (or another replica): start from nothing.
    if (since > this.seqOf(symbol)) since = 0;
    const held = this.history.recent(symbol);
    const events = held.filter((e) => e.payload.seq > since);
    const oldest = held[0]?.payload.seq;
    const gap =
      oldest !== undefined && oldest > since + 1 ? { symbol, fromSeq: since + 1, toSeq: oldest - 1 } : null;
    return { events, gap };
  }

  /** The current sequence number of a symbol (0 before its first event). */
  seqOf(symbol: string): number {
    return this.seqs.get(symbol) ?? 0;
  }

  private nextSeq(symbol: string): number {
    const seq = (this.seqs.get(symbol) ?? 0) + 1;
    this.seqs.set(symbol, seq);
    return seq;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V, capacity: number): void {
  map.set(key, value);
  if (map.size > capacity) map.delete(map.keys().next().value!);
}
