import { type MaintainerConfig } from '../config/maintainer.config';
import { type UpkeepSettings } from './table-upkeep';
import { type UpkeepIntervals } from './upkeep-schedule';

/** The upkeep settings and schedule the config describes. */
export function upkeepSettingsOf(config: MaintainerConfig): UpkeepSettings {
  return {
    windowHours: config.TIME_TRAVEL_WINDOW_HOURS,
    ...(config.VACUUM_RETENTION_HOURS === undefined
      ? {}
      : { vacuumRetentionHours: config.VACUUM_RETENTION_HOURS }),
    vacuumForce: config.VACUUM_FORCE,
    vacuumDryRun: config.VACUUM_DRY_RUN,
    targetFileBytes: config.OPTIMIZE_TARGET_FILE_BYTES,
    smallFileBytes: config.SMALL_FILE_BYTES,
    minSmallFiles: config.OPTIMIZE_MIN_SMALL_FILES,
    openPartitionSmallFiles: config.OPTIMIZE_OPEN_PARTITION_SMALL_FILES,
    optimizeAttempts: config.OPTIMIZE_ATTEMPTS,
  };
}

export function upkeepIntervalsOf(config: MaintainerConfig): UpkeepIntervals {
  return {
    optimize: config.OPTIMIZE_INTERVAL_MS,
    optimize_open: config.OPTIMIZE_OPEN_INTERVAL_MS,
    zorder: config.ZORDER_INTERVAL_MS,
    vacuum: config.VACUUM_INTERVAL_MS,
    vacuum_full: config.VACUUM_FULL_INTERVAL_MS,
    checkpoint: config.CHECKPOINT_INTERVAL_MS,
    log_cleanup: config.LOG_CLEANUP_INTERVAL_MS,
  };
}
