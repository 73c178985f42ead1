import { ModelError } from '../errors/model-error';
import { ModelStore } from '../store/model-store.port';

export const MODELS_USAGE = `usage: models list | models promote VERSION | models promoted   [--store DIR]`;

/**
 * The registry commands `predictor models …` exposes: list versions with their headline test metrics, show or move
 * the promoted pointer. Returns the lines to print.
 *
 * @throws ModelError `INVALID_ARGUMENT` (usage), `MODEL_NOT_FOUND` (promote)
 */
export async function runModelsCommand(args: readonly string[], store: ModelStore): Promise<string[]> {
  const [command, version] = args;
  switch (command) {
    case 'list': {
      const promoted = await store.promotedVersion();
      const manifests = await store.list();
      const lines = ['version\tcreated\tlabel\tthreshold\tsilver version\tpromoted'];
      for (const m of manifests) {
        lines.push(
          [
            m.version,
            m.createdAt,
            m.label.version,
            m.threshold.toFixed(4),
            String(m.training.silverTableVersion ?? '-'),
            m.version === promoted ? '*' : '',
          ].join('\t'),
        );
      }
      return lines;
    }
    case 'promoted':
      return [(await store.promotedVersion()) ?? '(none)'];
    case 'promote': {
      if (version === undefined) throw new ModelError('INVALID_ARGUMENT', MODELS_USAGE);
      await store.promote(version);
      return [`promoted ${version}`];
    }
    case undefined:
    default:
      throw new ModelError('INVALID_ARGUMENT', MODELS_USAGE);
  }
}
