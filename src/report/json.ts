// The JSON report of spec §8: the Report object as is, with a trailing newline.

import type { Report } from '../model.js';

export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
