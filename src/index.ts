// The library's public surface: scan() and the report's types (spec §10).

export { scan, type ScanOptions } from './scan.js';
export type { Progress } from './progress.js';
export { ElfscanError } from './errors.js';
export type {
  BinaryFacts,
  BinaryRecord,
  Finding,
  ImageReport,
  LibcInfo,
  Report,
  RuleId,
  Severity,
  VersionNeed,
} from './model.js';
