/** Stable codes, one per rule: the failing-fixture tests assert on them. */
export type ViolationCode =
  | 'MISSING_PROBE'
  | 'MISSING_RESOURCES'
  | 'REQUEST_ABOVE_LIMIT'
  | 'NOT_NON_ROOT'
  | 'PRIVILEGE_ESCALATION'
  | 'WRITABLE_ROOT_FILESYSTEM'
  | 'MUTABLE_IMAGE_TAG'
  | 'MISSING_SCRAPE_ANNOTATIONS'
  | 'MISSING_DISRUPTION_BUDGET'
  | 'SERVICE_PORT_MISMATCH'
  | 'SERVICE_WITHOUT_PODS'
  | 'SCALER_TARGET_MISSING'
  | 'SCALER_GROUP_MISMATCH'
  | 'SCALER_TOPIC_MISMATCH'
  | 'SCALER_ABOVE_PARTITIONS'
  | 'APP_CONFIG_INVALID'
  | 'APP_PORT_MISMATCH'
  | 'TOPOLOGY_MISMATCH'
  | 'POD_SECURITY_RESTRICTED'
  | 'SECRET_NOT_FROM_SECRET'
  | 'MODEL_STORE_MISMATCH'
  | 'LIVE_GROUP_NOT_PER_POD'
  | 'GOLD_GROUP_NOT_SHARED';

export interface Violation {
  readonly code: ViolationCode;
  readonly object: string;
  readonly message: string;
}

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.code} ${v.object}: ${v.message}`).join('\n');
}
