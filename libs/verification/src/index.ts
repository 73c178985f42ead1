// Public API of @lakehouse/verification: checks over the lake's tables, shared by `refiner verify` and the
// maintainer's scheduled verification.
export {
  CHECK_NAMES,
  type CheckName,
  type CheckResult,
  formatResults,
  verificationExitCode,
} from './check-result';
export { runVerification, KEY_COLUMNS } from './verification-suite';
export {
  DEFAULT_COMPLETENESS_GRACE_US,
  GOLD_PREDICTIONS_REF,
  type TableRef,
  type VerificationOptions,
} from './verification-options';
export { bronzePositionKey, bronzeRowEventId } from './bronze-position';
export { checkBronzeSilverAccounting } from './bronze-silver-accounting.check';
export { checkDuplicateEventIds, checkNullKeys, checkValidPrices } from './key-checks';
export { checkGoldCompleteness } from './gold-completeness.check';
export { checkTimeTravel, recordsInFiles } from './time-travel.check';
