import { ModelError } from '../errors/model-error';
import { MANIFEST_FORMAT_VERSION, ModelManifest } from './model-manifest';

function fail(what: string): never {
  throw new ModelError('MODEL_CORRUPT', `manifest: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finiteArray(value: unknown, length: number, what: string): void {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => Number.isFinite(v))) {
    fail(`${what} must be ${length} finite numbers`);
  }
}

/**
 * Checks a stored manifest before anything is built from it: what serving relies on (shapes, statistics,
 * threshold, label version) must be present and consistent. Provenance fields are informative and not re-checked.
 *
 * @throws ModelError `MODEL_CORRUPT`
 */
export function parseManifest(json: unknown): ModelManifest {
  if (!isRecord(json)) fail('not a JSON object');
  if (json['formatVersion'] !== MANIFEST_FORMAT_VERSION)
    fail(`unsupported formatVersion ${String(json['formatVersion'])}`);
  if (typeof json['version'] !== 'string' || json['version'] === '') fail('version missing');
  const network = json['network'];
  if (!isRecord(network)) fail('network missing');
  const { timesteps, features, units } = network;
  if (![timesteps, features, units].every((n) => Number.isInteger(n) && (n as number) > 0)) {
    fail('network timesteps, features and units must be positive integers');
  }
  const width = features as number;
  const normalization = json['normalization'];
  if (!isRecord(normalization)) fail('normalization missing');
  finiteArray(normalization['mean'], width, 'normalization.mean');
  finiteArray(normalization['std'], width, 'normalization.std');
  if (!(normalization['std'] as number[]).every((s) => s > 0)) fail('normalization.std must be > 0');
  if (!Array.isArray(json['featureNames']) || json['featureNames'].length !== width) {
    fail(`featureNames must name ${width} features`);
  }
  const threshold = json['threshold'];
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1))
    fail('threshold must be in [0, 1]');
  const label = json['label'];
  if (!isRecord(label) || typeof label['version'] !== 'string') fail('label definition missing');
  return json as unknown as ModelManifest;
}
