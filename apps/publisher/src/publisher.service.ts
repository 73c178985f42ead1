import { Signal } from '@lakehouse/bus';
import { Inject, Injectable } from '@nestjs/common';
import { SignalRing } from './signal-ring';

export const SIGNAL_RING_SIZE = Symbol('SIGNAL_RING_SIZE');

/** Keeps the recent signals of every symbol in memory; later the "latest signal per symbol" API and socket feed. */
@Injectable()
export class PublisherService {
  private readonly ring: SignalRing<Signal>;

  constructor(@Inject(SIGNAL_RING_SIZE) capacity: number) {
    this.ring = new SignalRing(capacity);
  }

  record(signals: readonly Signal[]): void {
    for (const signal of signals) this.ring.push(signal.symbol, signal);
  }

  recent(symbol: string): readonly Signal[] {
    return this.ring.recent(symbol);
  }

  symbols(): readonly string[] {
    return this.ring.keys();
  }
}
