import { DeltaLake } from '@lakehouse/lake';
import { type MaintainerConfig } from '../config/maintainer.config';
import { LakeTables } from '../tables/lake-tables';
import { selectTables } from '../tables/maintained-tables';
import { MaintenanceRunsStore } from './maintenance-runs.store';
import { TableUpkeep, type UpkeepLog } from './table-upkeep';
import { type UpkeepObserver, UpkeepRunner } from './upkeep-runner';
import { upkeepIntervalsOf, upkeepSettingsOf } from './upkeep-settings';

export interface Upkeep {
  readonly lake: LakeTables;
  readonly store: MaintenanceRunsStore;
  readonly upkeep: TableUpkeep;
  readonly runner: UpkeepRunner;
}

/** Wires the upkeep of one lake from the config: shared by the service and the CLI. */
export function createUpkeep(
  config: MaintainerConfig,
  nowMs: () => number,
  log: UpkeepLog,
  observer?: UpkeepObserver,
): Upkeep {
  const lake = new LakeTables(config.LAKE_ROOT);
  const store = new MaintenanceRunsStore(new DeltaLake(config.LAKE_ROOT), lake);
  const upkeep = new TableUpkeep(upkeepSettingsOf(config), nowMs, log);
  const runner = new UpkeepRunner(
    selectTables(config.MAINTAINER_TABLES),
    lake,
    upkeep,
    store,
    upkeepIntervalsOf(config),
    observer,
  );
  return { lake, store, upkeep, runner };
}
