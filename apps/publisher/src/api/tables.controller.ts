import { Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { GoldReader, GoldReadError, READABLE_TABLES, type ReadableTable } from '../gold/gold-reader';
import { apiError, historyQuerySchema, parseQuery } from './api-query.schemas';

const DEFAULT_HISTORY = 50;
const tableNameSchema = z.enum(Object.keys(READABLE_TABLES) as [ReadableTable, ...ReadableTable[]]);

/** The lake's tables as the time-travel picker needs them: versions and commit history. */
@ApiTags('tables')
@ApiBearerAuth()
@UseGuards(ApiAuthGuard)
@Controller('api/tables')
export class TablesController {
  constructor(private readonly reader: GoldReader) {}

  @Get()
  @ApiOkResponse({ description: '`[{ name, version }]`; version null for a table not created yet.' })
  async tables() {
    const names = Object.keys(READABLE_TABLES) as ReadableTable[];
    return Promise.all(names.map(async (name) => ({ name, version: await this.reader.latestVersion(name) })));
  }

  @Get(':name/history')
  @ApiParam({ name: 'name', enum: Object.keys(READABLE_TABLES) })
  @ApiQuery({ name: 'limit', required: false, type: String, description: '1..1000, default 50.' })
  @ApiOkResponse({ description: '`[{ version, timestamp, operation }]`, newest first.' })
  async history(@Param('name') name: string, @Query() query: unknown) {
    const table = tableNameSchema.safeParse(name);
    if (!table.success)
      throw apiError('BAD_QUERY', `name: one of ${Object.keys(READABLE_TABLES).join(', ')}`);
    const q = parseQuery(historyQuerySchema, query);
    try {
      return await this.reader.history(table.data, q.limit ?? DEFAULT_HISTORY);
    } catch (error) {
      if (error instanceof GoldReadError)
        throw new NotFoundException({ code: error.code, reason: error.message });
      throw error;
    }
  }
}
