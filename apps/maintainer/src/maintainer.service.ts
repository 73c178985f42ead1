import { APP_CONFIG, JsonLogger } from '@lakehouse/platform';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MaintainerConfig } from './config/maintainer.config';

/**
 * Table maintenance (compaction, vacuum, checkpoints) will run here on a schedule. Skeleton: it starts, reports
 * health and metrics, and idles.
 */
@Injectable()
export class MaintainerService implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: MaintainerConfig,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.log(
      { msg: 'idle: no maintenance jobs yet', lakeRoot: this.config.LAKE_ROOT },
      MaintainerService.name,
    );
  }
}
