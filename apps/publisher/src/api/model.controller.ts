import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { LATEST } from '../gold/gold-reader';
import { GoldQueryService } from './gold-query.service';

/** The served model as Gold has seen it: the version of the newest prediction and its rolling evaluation. */
@ApiTags('model')
@ApiBearerAuth()
@UseGuards(ApiAuthGuard)
@Controller('api/model')
export class ModelController {
  constructor(private readonly gold: GoldQueryService) {}

  @Get()
  @ApiOkResponse({
    description: '`{ modelVersion, backend, lastPredictionAt, evaluation }` (nulls before any prediction).',
  })
  async model() {
    const latest = await this.gold.latest(undefined, LATEST);
    const newest = [...latest.rows].sort((a, b) =>
      BigInt(a.eventTimeUs) < BigInt(b.eventTimeUs) ? 1 : -1,
    )[0];
    const modelVersion = newest?.modelVersion ?? null;
    const evaluation = modelVersion === null ? [] : (await this.gold.accuracy({ modelVersion }, LATEST)).rows;
    return {
      modelVersion,
      backend: newest?.backend ?? null,
      lastPredictionEventTimeUs: newest?.eventTimeUs ?? null,
      evaluation,
    };
  }
}
