import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { errorMessage } from '../errors/coded-error';
import { ReadinessRegistry } from './readiness-registry';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Liveness: the event loop answers. Restarting is the only remedy for a failure here. */
  @Get()
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.indicators.check('process').up({ pid: process.pid })]);
  }

  /** Readiness: every adapter's probe is up (503 otherwise). */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(
      this.readiness.entries().map(([name, probe]) => async () => {
        const session = this.indicators.check(name);
        try {
          const result = await probe();
          return result.up ? session.up(result.details ?? {}) : session.down(result.details ?? {});
        } catch (error) {
          return session.down({ error: errorMessage(error) });
        }
      }),
    );
  }
}
