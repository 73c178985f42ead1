import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { K8sObject } from '../k8s-object';

/**
 * Validates built-in Kubernetes objects against the strict JSON schemas of one pinned Kubernetes version (unknown
 * fields are errors, as with `kubectl apply --validate=strict`). The schemas come from the kubernetes-validate wheel
 * on PyPI, unpacked by k8s/scripts/setup-tools.sh: nothing is fetched at test time.
 */
export class CoreSchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly byFile = new Map<string, ValidateFunction>();

  constructor(private readonly schemaDir: string) {
    // The schemas carry x-kubernetes-* annotations, which strict mode would reject as unknown keywords.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, '_definitions.json'), 'utf8')) as object);
  }

  /** The schema file of an apiVersion/kind pair: `deployment-apps-v1.json`, `service-v1.json`. */
  static schemaFile(apiVersion: string, kind: string): string {
    const [groupOrVersion, version] = apiVersion.split('/');
    const group = version === undefined ? undefined : groupOrVersion?.split('.')[0];
    return [kind.toLowerCase(), group, version ?? groupOrVersion].filter(Boolean).join('-') + '.json';
  }

  hasSchema(object: K8sObject): boolean {
    return existsSync(join(this.schemaDir, CoreSchemaValidator.schemaFile(object.apiVersion, object.kind)));
  }

  /** Error messages, empty when valid. An object of a kind the pinned version does not know is an error. */
  validate(object: K8sObject): string[] {
    const file = CoreSchemaValidator.schemaFile(object.apiVersion, object.kind);
    if (!this.hasSchema(object)) return [`no schema ${file} for ${object.apiVersion} ${object.kind}`];
    let validate = this.byFile.get(file);
    if (validate === undefined) {
      validate = this.ajv.compile(JSON.parse(readFileSync(join(this.schemaDir, file), 'utf8')) as object);
      this.byFile.set(file, validate);
    }
    if (validate(object)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${paramsOf(e.params)}`,
    );
  }
}

function paramsOf(params: Record<string, unknown>): string {
  const extra = params['additionalProperty'] ?? params['allowedValues'] ?? params['type'];
  return extra === undefined ? '' : JSON.stringify(extra);
}
