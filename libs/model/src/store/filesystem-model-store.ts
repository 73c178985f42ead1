import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelArtifact } from '../artifact/model-artifact';
import { ModelManifest } from '../artifact/model-manifest';
import { parseManifest } from '../artifact/model-manifest.parser';
import { WEIGHTS_FILE } from '../artifact/network.codec';
import { EvaluationReport } from '../evaluation/evaluation-report';
import { ModelError, isModelError } from '../errors/model-error';
import { ModelStore } from './model-store.port';

/** Files of one version directory. `model.json` + `weights.bin` are TF.js's own layers-model format. */
export const MODEL_FILES = {
  manifest: 'manifest.json',
  model: 'model.json',
  weights: WEIGHTS_FILE,
  evaluation: 'evaluation.json',
  report: 'evaluation.md',
  checksums: 'checksums.json',
} as const;

const PROMOTED_FILE = 'promoted.json';
const VERSIONS_DIR = 'versions';
/** Versions become directory names: keep them to a safe alphabet. */
const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function assertVersionName(version: string): void {
  if (!VERSION_PATTERN.test(version)) {
    throw new ModelError('INVALID_ARGUMENT', `model version ${JSON.stringify(version)} is not a safe name`);
  }
}

/**
 * A {@link ModelStore} in a local directory:
 *
 * ```
 * <root>/versions/<version>/{manifest.json, model.json, weights.bin, evaluation.json, evaluation.md, checksums.json}
 * <root>/promoted.json       {"version": "..."}
 * ```
 *
 * A version is written into a temporary directory and renamed into place, so readers never see half of one; the
 * promoted pointer is replaced by rename too. Checksums catch truncated or edited files at load.
 */
export class FilesystemModelStore extends ModelStore {
  constructor(private readonly root: string) {
    super();
  }

  private versionDir(version: string): string {
    return join(this.root, VERSIONS_DIR, version);
  }

  override async save(artifact: ModelArtifact): Promise<void> {
    const { version } = artifact.manifest;
    assertVersionName(version);
    const files: Record<string, Uint8Array | string> = {
      [MODEL_FILES.manifest]: JSON.stringify(artifact.manifest, null, 2),
      [MODEL_FILES.model]: JSON.stringify(artifact.network.modelJson),
      [MODEL_FILES.weights]: artifact.network.weights,
      [MODEL_FILES.evaluation]: JSON.stringify(artifact.evaluation, null, 2),
      [MODEL_FILES.report]: artifact.reportMarkdown,
    };
    const checksums = Object.fromEntries(Object.entries(files).map(([name, data]) => [name, sha256(data)]));
    const staging = join(this.root, VERSIONS_DIR, `.staging-${randomUUID()}`);
    await mkdir(staging, { recursive: true });
    try {
      for (const [name, data] of Object.entries(files)) await writeFile(join(staging, name), data);
      await writeFile(join(staging, MODEL_FILES.checksums), JSON.stringify(checksums, null, 2));
      await rename(staging, this.versionDir(version)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST') {
          throw new ModelError('INVALID_ARGUMENT', `model version ${version} already exists`);
        }
        throw error;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  override async load(version: string): Promise<ModelArtifact> {
    assertVersionName(version);
    const dir = this.versionDir(version);
    const read = async (name: string): Promise<Buffer> => {
      try {
        return await readFile(join(dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        if (name === MODEL_FILES.manifest) {
          throw new ModelError(
            'MODEL_NOT_FOUND',
            `model version ${version} is not registered in ${this.root}`,
          );
        }
        throw new ModelError('MODEL_CORRUPT', `model version ${version} lacks ${name}`);
      }
    };
    const manifestBytes = await read(MODEL_FILES.manifest);
    const contents = {
      [MODEL_FILES.manifest]: manifestBytes,
      [MODEL_FILES.model]: await read(MODEL_FILES.model),
      [MODEL_FILES.weights]: await read(MODEL_FILES.weights),
      [MODEL_FILES.evaluation]: await read(MODEL_FILES.evaluation),
      [MODEL_FILES.report]: await read(MODEL_FILES.report),
    };
    const checksums = parseJson(await read(MODEL_FILES.checksums), version) as Record<string, string>;
    for (const [name, data] of Object.entries(contents)) {
      if (checksums[name] !== sha256(data)) {
        throw new ModelError(
          'MODEL_CORRUPT',
          `model version ${version}: ${name} does not match its checksum`,
        );
      }
    }
    const manifest = parseManifest(parseJson(manifestBytes, version));
    if (manifest.version !== version) {
      throw new ModelError('MODEL_CORRUPT', `directory ${version} holds a manifest for ${manifest.version}`);
    }
    return {
      manifest,
      network: {
        modelJson: parseJson(contents[MODEL_FILES.model], version) as ModelArtifact['network']['modelJson'],
        weights: new Uint8Array(contents[MODEL_FILES.weights]),
      },
      evaluation: parseJson(contents[MODEL_FILES.evaluation], version) as EvaluationReport,
      reportMarkdown: contents[MODEL_FILES.report].toString('utf8'),
    };
  }

  override async list(): Promise<ModelManifest[]> {
    let names: string[];
    try {
      names = await readdir(join(this.root, VERSIONS_DIR));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const manifests: ModelManifest[] = [];
    for (const name of names.filter((n) => VERSION_PATTERN.test(n))) {
      try {
        const bytes = await readFile(join(this.versionDir(name), MODEL_FILES.manifest));
        manifests.push(parseManifest(parseJson(bytes, name)));
      } catch (error) {
        if (!isModelError(error) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return manifests.sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version),
    );
  }

  override async promote(version: string): Promise<void> {
    assertVersionName(version);
    try {
      await readFile(join(this.versionDir(version), MODEL_FILES.manifest));
    } catch {
      throw new ModelError('MODEL_NOT_FOUND', `model version ${version} is not registered in ${this.root}`);
    }
    const temp = join(this.root, `.${PROMOTED_FILE}.${randomUUID()}`);
    await writeFile(temp, JSON.stringify({ version }));
    await rename(temp, join(this.root, PROMOTED_FILE));
  }

  override async promotedVersion(): Promise<string | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.root, PROMOTED_FILE));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const pointer = parseJson(bytes, PROMOTED_FILE) as { version?: unknown };
    if (typeof pointer.version !== 'string') {
      throw new ModelError('MODEL_CORRUPT', `${PROMOTED_FILE} does not name a version`);
    }
    return pointer.version;
  }
}

function parseJson(bytes: Buffer, where: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new ModelError('MODEL_CORRUPT', `${where}: invalid JSON`, { cause: error });
  }
}
