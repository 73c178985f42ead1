import { DeltaTable, toIpc } from '@lakehouse/delta';
import { tableFromIPC } from 'apache-arrow';
import { ticks, dateOf } from '/work/main/bench/delta/ticks.mjs';
const data = ticks(10, 0, dateOf(0));
console.log(data.schema.fields.map((f) => `${f.name}:${f.type}`));
const ipc = toIpc(data);
console.log(ipc.length, tableFromIPC(ipc).numRows);
try {
  await DeltaTable.create('/tmp/dbgt', data.schema, {});
  console.log('create ok');
} catch (e) {
  console.log('create', e.message.slice(0, 100));
}
