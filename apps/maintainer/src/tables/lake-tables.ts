import { DeltaTable, type StorageOptions, TableNotFoundError } from '@lakehouse/delta';
import { tableUri } from '@lakehouse/lake';
import { type MaintainedTable } from './maintained-tables';

/** Opens the maintained tables of one lake; a table that does not exist yet is `undefined`, not an error. */
export class LakeTables {
  constructor(
    readonly lakeRoot: string,
    private readonly storageOptions: StorageOptions = {},
  ) {}

  uriOf(table: Pick<MaintainedTable, 'path'>): string {
    return tableUri(this.lakeRoot, table);
  }

  async open(
    table: Pick<MaintainedTable, 'path'>,
    at?: { version?: number; asOf?: Date },
  ): Promise<DeltaTable | undefined> {
    try {
      return await DeltaTable.open(this.uriOf(table), { storageOptions: this.storageOptions, ...at });
    } catch (error) {
      if (error instanceof TableNotFoundError) return undefined;
      throw error;
    }
  }
}
