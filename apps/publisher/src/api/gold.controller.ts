import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import {
  accuracyQuerySchema,
  barsQuerySchema,
  DEFAULT_PAGE_LIMIT,
  latestQuerySchema,
  MAX_PAGE_LIMIT,
  parseQuery,
  predictionsQuerySchema,
  timeTravelOf,
} from './api-query.schemas';
import { GoldQueryService } from './gold-query.service';

const TIME_TRAVEL = [
  { name: 'version', required: false, description: 'Read the table at this version (exclusive with asOf).' },
  {
    name: 'asOf',
    required: false,
    description: 'Read the latest version committed by this ISO-8601 instant.',
  },
] as const;
const RANGE = [
  { name: 'from', required: false, description: 'Inclusive start: ISO-8601 instant or UTC µs.' },
  { name: 'to', required: false, description: 'Exclusive end: ISO-8601 instant or UTC µs.' },
  {
    name: 'limit',
    required: false,
    description: `1..${MAX_PAGE_LIMIT}, default ${DEFAULT_PAGE_LIMIT}; more is 400 LIMIT_TOO_LARGE.`,
  },
] as const;

function queries(
  ...params: readonly { name: string; required: boolean; description: string }[]
): MethodDecorator {
  return (target, key, descriptor) => {
    for (const p of params) ApiQuery({ ...p, type: String })(target, key, descriptor);
  };
}

/** Gold over HTTP: every query validated at the edge; `version=` / `asOf=` time travel on each. */
@ApiTags('gold')
@ApiBearerAuth()
@UseGuards(ApiAuthGuard)
@Controller('api')
export class GoldController {
  constructor(private readonly gold: GoldQueryService) {}

  @Get('signals/latest')
  @queries(
    { name: 'symbol', required: false, description: 'One symbol; all symbols otherwise.' },
    ...TIME_TRAVEL,
  )
  @ApiOkResponse({
    description: '`{ rows, nextCursor: null, tableVersion }`: the latest prediction per symbol.',
  })
  latest(@Query() query: unknown) {
    const q = parseQuery(latestQuerySchema, query);
    return this.gold.latest(q.symbol, timeTravelOf(q));
  }

  @Get('gold/predictions')
  @queries(
    { name: 'symbol', required: false, description: 'Only this symbol.' },
    ...RANGE,
    { name: 'cursor', required: false, description: 'nextCursor of the previous page.' },
    ...TIME_TRAVEL,
  )
  @ApiOkResponse({ description: '`{ rows, nextCursor, tableVersion }`, ordered by event time.' })
  predictions(@Query() query: unknown) {
    const q = parseQuery(predictionsQuerySchema, query);
    return this.gold.predictions(
      { symbol: q.symbol, fromUs: q.from, toUs: q.to, limit: q.limit ?? DEFAULT_PAGE_LIMIT, after: q.cursor },
      timeTravelOf(q),
    );
  }

  @Get('gold/accuracy')
  @queries(
    { name: 'modelVersion', required: false, description: 'Only this model version.' },
    { name: 'symbol', required: false, description: 'Only this symbol (the overall rows have none).' },
    ...TIME_TRAVEL,
  )
  @ApiOkResponse({ description: '`{ rows, tableVersion }`: gold.accuracy rows.' })
  accuracy(@Query() query: unknown) {
    const q = parseQuery(accuracyQuerySchema, query);
    return this.gold.accuracy({ modelVersion: q.modelVersion, symbol: q.symbol }, timeTravelOf(q));
  }

  @Get('gold/bars')
  @queries({ name: 'symbol', required: true, description: 'The symbol.' }, ...RANGE, ...TIME_TRAVEL)
  @ApiOkResponse({
    description: '`{ rows, tableVersion }`: the latest `limit` minute bars in the range, oldest first.',
  })
  bars(@Query() query: unknown) {
    const q = parseQuery(barsQuerySchema, query);
    return this.gold.bars(
      { symbol: q.symbol, fromUs: q.from, toUs: q.to, limit: q.limit ?? DEFAULT_PAGE_LIMIT },
      timeTravelOf(q),
    );
  }
}
