import { ModelArtifact } from '../artifact/model-artifact';
import { ModelManifest } from '../artifact/model-manifest';
import { ModelError } from '../errors/model-error';
import { ModelStore } from './model-store.port';

/** A {@link ModelStore} in a Map, for unit tests and for wiring an app without a disk. */
export class InMemoryModelStore extends ModelStore {
  private readonly versions = new Map<string, ModelArtifact>();
  private promoted: string | null = null;

  override save(artifact: ModelArtifact): Promise<void> {
    const { version } = artifact.manifest;
    if (this.versions.has(version)) {
      return Promise.reject(new ModelError('INVALID_ARGUMENT', `model version ${version} already exists`));
    }
    this.versions.set(version, artifact);
    return Promise.resolve();
  }

  override load(version: string): Promise<ModelArtifact> {
    const artifact = this.versions.get(version);
    return artifact === undefined
      ? Promise.reject(new ModelError('MODEL_NOT_FOUND', `model version ${version} is not registered`))
      : Promise.resolve(artifact);
  }

  override list(): Promise<ModelManifest[]> {
    return Promise.resolve([...this.versions.values()].map((a) => a.manifest));
  }

  override promote(version: string): Promise<void> {
    if (!this.versions.has(version)) {
      return Promise.reject(new ModelError('MODEL_NOT_FOUND', `model version ${version} is not registered`));
    }
    this.promoted = version;
    return Promise.resolve();
  }

  override promotedVersion(): Promise<string | null> {
    return Promise.resolve(this.promoted);
  }
}
