// SARIF 2.1.0 for code-scanning uploads: one run, the rule catalog as the driver's rules, one
// result per finding located at the file path inside the image.

import type { Finding, Report, Severity } from '../model.js';
import { RULE_CATALOG } from '../rules/catalog.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarif(report: Report): string {
  const results = report.images.flatMap((image) =>
    image.findings.map((f: Finding) => ({
      ruleId: f.rule,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          ...(f.path ? { physicalLocation: { artifactLocation: { uri: f.path.replace(/^\//, '') } } } : {}),
          logicalLocations: [{ name: image.ref ?? image.manifestDigest ?? report.source, kind: 'module' }],
        },
      ],
      properties: { found: f.found, expected: f.expected, layer: f.layer },
    })),
  );
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'elfscan',
            version: report.tool.version,
            rules: RULE_CATALOG.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
