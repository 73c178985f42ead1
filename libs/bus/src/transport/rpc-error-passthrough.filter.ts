import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter replaces a handler's error with `{status: 'error', message: 'Internal server error'}`.
 * The batch transport needs the original (its code decides the retry log and metric label), so RPC errors pass
 * through untouched; HTTP errors get Nest's usual handling. Registered app-wide by `BusModule` (the transport
 * must be connected with `inheritAppConfig: true`, as `bootstrapStage` does).
 */
@Catch()
export class RpcErrorPassthroughFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => exception);
    super.catch(exception, host);
  }
}
