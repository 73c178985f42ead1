import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { errorMessage } from '../errors/coded-error';
import { ReadinessProbe, ReadinessRegistry } from './readiness-registry';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Liveness: the event loop answers and no adapter is broken beyond self-repair. Restarting is the remedy. */
  @Get()
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.indicators.check('process').up({ pid: process.pid }),
      ...this.indicatorsFor(this.readiness.livenessEntries()),
    ]);
  }

  /** Readiness: every adapter's probe is up (503 otherwise). */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.indicatorsFor(this.readiness.entries()));
  }

  private indicatorsFor(entries: ReadonlyArray<readonly [string, ReadinessProbe]>) {
    return entries.map(([name, probe]) => async () => {
      const session = this.indicators.check(name);
      try {
        const result = await probe();
        return result.up ? session.up(result.details ?? {}) : session.down(result.details ?? {});
      } catch (error) {
        return session.down({ error: errorMessage(error) });
      }
    });
  }
}
