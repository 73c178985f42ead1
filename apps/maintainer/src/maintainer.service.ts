import { type MaintenanceRunRow } from '@lakehouse/lake';
import { APP_CONFIG, Clock, errorCode, errorMessage, JsonLogger, PipelineMetrics } from '@lakehouse/platform';
import { runVerification, verificationExitCode } from '@lakehouse/verification';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MaintainerConfig } from './config/maintainer.config';
import { MaintainerMetrics } from './maintainer.metrics';
import { createUpkeep, type Upkeep } from './upkeep/upkeep.factory';

const MICROS_PER_MS = 1000n;

/**
 * Scheduled table upkeep and verification. Every tick refreshes table metrics, runs the upkeep that is due (one
 * operation at a time) and, when due, the verification suite; each run is recorded in `ops.maintenance_runs`.
 * Shutdown lets the operation in progress finish (an OPTIMIZE or VACUUM is one commit) and starts no other.
 */
@Injectable()
export class MaintainerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly metrics: MaintainerMetrics;
  private readonly upkeep: Upkeep;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopping = false;
  private lastVerifyMs: number | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: MaintainerConfig,
    private readonly logger: JsonLogger,
    pipelineMetrics: PipelineMetrics,
    private readonly clock: Clock,
  ) {
    const nowMs = (): number => this.clock.now().getTime();
    this.metrics = new MaintainerMetrics(pipelineMetrics, nowMs);
    this.upkeep = createUpkeep(
      config,
      nowMs,
      {
        log: (fields) => this.logger.log(fields, MaintainerService.name),
        warn: (fields) => this.logger.warn(fields, MaintainerService.name),
      },
      this.metrics,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.upkeep.runner.init();
    for (const [table, operation, ms] of this.upkeep.runner.successes())
      this.metrics.onSuccess(table, operation, ms);
    this.logger.log(
      { msg: 'upkeep scheduled', lakeRoot: this.config.LAKE_ROOT, tickMs: this.config.MAINTAINER_TICK_MS },
      MaintainerService.name,
    );
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.pass;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.pass = this.runPass().finally(() => this.schedule(this.config.MAINTAINER_TICK_MS));
    }, delayMs);
  }

  private async runPass(): Promise<void> {
    const nowMs = (): number => this.clock.now().getTime();
    try {
      await this.upkeep.runner.refreshStats();
      await this.upkeep.runner.runDue(nowMs, () => this.stopping);
      if (!this.stopping && this.verifyDue(nowMs())) await this.verify(nowMs);
    } catch (error) {
      this.logger.error(
        { msg: 'upkeep pass failed', code: errorCode(error), error: errorMessage(error) },
        MaintainerService.name,
      );
    }
  }

  private verifyDue(nowMs: number): boolean {
    const interval = this.config.VERIFY_INTERVAL_MS;
    return interval > 0 && (this.lastVerifyMs === undefined || nowMs - this.lastVerifyMs >= interval);
  }

  private async verify(nowMs: () => number): Promise<void> {
    const started = nowMs();
    this.lastVerifyMs = started;
    const results = await runVerification({
      lakeRoot: this.config.LAKE_ROOT,
      nowUs: BigInt(started) * MICROS_PER_MS,
    });
    this.metrics.onVerification(results);
    const failed = results.filter((r) => !r.ok);
    const row: MaintenanceRunRow = {
      runId: randomUUID(),
      tableName: 'lake',
      operation: 'verify',
      startedAtUs: BigInt(started) * MICROS_PER_MS,
      durationMs: BigInt(nowMs() - started),
      result: verificationExitCode(results) === 0 ? 'ok' : 'failed',
      filesBefore: null,
      bytesBefore: null,
      filesAfter: null,
      bytesAfter: null,
      versionBefore: null,
      versionAfter: null,
      filesDeleted: null,
      retentionHours: null,
      forced: false,
      detail: JSON.stringify(results),
      errorCode: failed.length === 0 ? null : 'VERIFICATION_FAILED',
      error: failed.length === 0 ? null : failed.map((r) => `${r.check} ${r.table}: ${r.detail}`).join('; '),
    };
    await this.upkeep.store.record([row]);
    const fields = { msg: 'verification', checks: results.length, failed: failed.length };
    if (failed.length === 0) this.logger.log(fields, MaintainerService.name);
    else this.logger.warn({ ...fields, failures: failed }, MaintainerService.name);
  }
}
