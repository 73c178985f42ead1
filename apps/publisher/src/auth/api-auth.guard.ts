import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { PublisherMetrics } from '../metrics/publisher-metrics';
import { AuthError, bearerToken, TokenVerifier } from './token-verifier';

/** `Authorization: Bearer <token>` on every `/api` route; 401 `{ code, reason }` otherwise. */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly metrics: PublisherMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    try {
      await this.verifier.verify(bearerToken(request.headers.authorization));
      return true;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      this.metrics.authFailures.inc({ edge: 'http', code: error.code });
      throw new UnauthorizedException({ code: error.code, reason: error.message });
    }
  }
}
