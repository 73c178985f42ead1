import { type DriftRule, type DriftState, NOT_DRIFTING, stepDrift } from '@lakehouse/domain';
import { Clock, errorMessage, JsonLogger } from '@lakehouse/platform';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { GoldAccuracyJob } from '../gold/gold-accuracy.job';
import { GoldReader, GoldReadError, LATEST } from '../gold/gold-reader';
import { SignalsGateway } from '../live/signals.gateway';
import { PublisherMetrics } from '../metrics/publisher-metrics';
import { type AccuracyView, accuracyViewsOf } from './accuracy-view';

export interface AccuracyMonitorOptions {
  readonly intervalMs: number;
  /** Whether this replica recomputes `gold.accuracy` (the Gold writer) or only reads it. */
  readonly writer: boolean;
  readonly drift: DriftRule;
}

export const ACCURACY_MONITOR_OPTIONS = Symbol('ACCURACY_MONITOR_OPTIONS');

/**
 * Every interval: the writer recomputes `gold.accuracy` if Gold changed; every replica then reads the table and,
 * when it moved, sends `accuracy` events, sets the rolling-accuracy gauges and steps the drift rule per model version
 * (overall scope), raising the alert gauge and a `drift` event when it trips.
 */
@Injectable()
export class AccuracyMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private dirty = true;
  private running = false;
  private seenVersion: number | null = null;
  private readonly drift = new Map<string, DriftState & { readonly since: string | null }>();

  constructor(
    private readonly job: GoldAccuracyJob,
    private readonly reader: GoldReader,
    private readonly gateway: SignalsGateway,
    private readonly metrics: PublisherMetrics,
    private readonly clock: Clock,
    private readonly log: JsonLogger,
    @Inject(ACCURACY_MONITOR_OPTIONS) private readonly options: AccuracyMonitorOptions,
  ) {}

  /** Gold changed: recompute at the next tick. */
  markDirty(): void {
    this.dirty = true;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One round (public for tests). */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (this.options.writer && this.dirty) {
        this.dirty = false;
        try {
          await this.job.recompute(this.clock.now());
        } catch (error) {
          // A conflict with another replica's recompute, or a transient read error: try again next round.
          this.dirty = true;
          throw error;
        }
      }
      await this.publish();
    } catch (error) {
      if (!(error instanceof GoldReadError))
        this.log.warn({ msg: 'accuracy round failed', error: errorMessage(error) }, 'Accuracy');
    } finally {
      this.running = false;
    }
  }

  private async publish(): Promise<void> {
    const version = await this.reader.latestVersion('gold.accuracy');
    if (version === null || version === this.seenVersion) return;
    const { rows } = await this.reader.query(
      'gold.accuracy',
      LATEST,
      (t) => `SELECT * FROM ${t} ORDER BY model_version, scope`,
    );
    this.seenVersion = version;
    const views = accuracyViewsOf(rows);
    for (const view of views) {
      this.gateway.broadcast('accuracy', view);
      if (view.symbol === null) this.observe(view);
    }
  }

  private observe(view: AccuracyView): void {
    for (const metric of ['accuracy', 'balancedAccuracy', 'mcc', 'baselineAccuracy'] as const) {
      const value = view[metric];
      if (value !== null)
        this.metrics.rollingAccuracy.set({ model_version: view.modelVersion, metric }, value);
    }
    this.metrics.rollingAccuracy.set({ model_version: view.modelVersion, metric: 'n' }, view.n);
    const before = this.drift.get(view.modelVersion) ?? { ...NOT_DRIFTING, since: null };
    const after = stepDrift(before, view, this.options.drift);
    const since = after.drifting ? (before.since ?? this.clock.now().toISOString()) : null;
    this.drift.set(view.modelVersion, { ...after, since });
    this.metrics.driftAlert.set({ model_version: view.modelVersion }, after.drifting ? 1 : 0);
    if (after.drifting) {
      this.gateway.broadcast('drift', {
        modelVersion: view.modelVersion,
        windowN: view.n,
        mcc: view.mcc,
        baselineMcc: view.baselineMcc,
        since,
      });
      if (!before.drifting)
        this.log.warn({ msg: 'drift', modelVersion: view.modelVersion, mcc: view.mcc }, 'Accuracy');
    }
  }
}
