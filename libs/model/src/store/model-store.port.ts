import { ModelArtifact } from '../artifact/model-artifact';
import { ModelManifest } from '../artifact/model-manifest';

/**
 * The model registry: versioned artifacts plus one "promoted" pointer naming the version predictors serve. A
 * directory locally ({@link FilesystemModelStore}), an object store in the cluster later. Abstract class so that it
 * doubles as the Nest DI token.
 *
 * Invariant: a version, once saved, never changes; promotion only moves the pointer, atomically.
 */
export abstract class ModelStore {
  /**
   * Registers a new version.
   * @throws ModelError `INVALID_ARGUMENT` when the version already exists
   */
  abstract save(artifact: ModelArtifact): Promise<void>;

  /**
   * @throws ModelError `MODEL_NOT_FOUND`, or `MODEL_CORRUPT` when stored files are unreadable or inconsistent
   */
  abstract load(version: string): Promise<ModelArtifact>;

  /** Manifests of every registered version, oldest first. Corrupt versions are left out. */
  abstract list(): Promise<ModelManifest[]>;

  /**
   * Points the served version at `version`.
   * @throws ModelError `MODEL_NOT_FOUND` when it is not registered
   */
  abstract promote(version: string): Promise<void>;

  /** The promoted version, or null when none has been promoted yet. */
  abstract promotedVersion(): Promise<string | null>;
}
