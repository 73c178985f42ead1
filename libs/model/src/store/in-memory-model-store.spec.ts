import { describe } from 'node:test';
import { InMemoryModelStore } from './in-memory-model-store';
import { modelStoreContract } from './model-store.contract';

describe('InMemoryModelStore', () => {
  modelStoreContract(() => Promise.resolve(new InMemoryModelStore()));
});
