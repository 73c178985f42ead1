import { Signal } from '@lakehouse/bus';
import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { PublisherService } from './publisher.service';

const signalsQuerySchema = z.object({
  symbol: z.string().regex(/^[A-Za-z0-9.^_-]{1,32}$/, 'a symbol: 1–32 letters, digits or . ^ _ -'),
});

export interface SignalsResponse {
  readonly symbol: string;
  /** Oldest first. */
  readonly signals: readonly Signal[];
}

/** `GET /api/signals?symbol=SPX`: the recent signals of one symbol. */
@Controller('api/signals')
export class SignalsController {
  constructor(private readonly service: PublisherService) {}

  @Get()
  recent(@Query() query: Record<string, unknown>): SignalsResponse {
    const parsed = signalsQuerySchema.safeParse(query);
    if (!parsed.success) {
      throw new BadRequestException({
        code: 'PUBLISHER_BAD_QUERY',
        message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    }
    return { symbol: parsed.data.symbol, signals: this.service.recent(parsed.data.symbol) };
  }
}
