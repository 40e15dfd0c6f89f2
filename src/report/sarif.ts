// SARIF 2.1.0 for code-scanning uploads (GitHub, GitLab, Azure DevOps): one run, the rule catalog
// as the driver's rules, one result per finding. A file is located by its path inside the image —
// relative to the IMAGE_ROOT base, because it is no file of the repository — and the image by a
// logical location; a finding about a whole image is located at the image's name. With --all,
// the inventory goes where SARIF keeps the files a run looked at, run.artifacts: each image
// once, each of its binaries nested in it (parentIndex) with its facts as properties.
// Formatting only: every decision was made by the rules.

import { createHash } from 'node:crypto';
import type { BinaryRecord, Finding, ImageReport, PackageRef, Report, Severity } from '../model.js';
import { RULE_CATALOG } from '../rules/catalog.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';

/** The uriBaseId of paths inside a scanned image (SARIF §3.4.4). */
export const IMAGE_ROOT = 'IMAGE_ROOT';

/** The partialFingerprints key: bump its version when what it hashes changes. */
export const FINGERPRINT_KEY = 'elfscanFinding/v1';

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };

interface Text {
  text: string;
  markdown?: string;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: Text;
  fullDescription: Text;
  help: Text;
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; precision: 'high' };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Level;
  message: Text;
  locations: {
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } };
    logicalLocations: { name: string; fullyQualifiedName: string; kind: 'module' }[];
  }[];
  partialFingerprints: Record<string, string>;
  properties: {
    image: string;
    platform: string | null;
    layer: string | null;
    found: string | null;
    expected: string | null;
    /** The package that owns the file (spec §5.1), when one does. */
    package?: PackageRef;
  };
}

/** An image (roles: analysisTarget) or, nested in one through parentIndex, one of its binaries. */
export interface SarifArtifact {
  location: { uri: string; uriBaseId?: string };
  parentIndex?: number;
  roles?: ['analysisTarget'];
  properties: Record<string, unknown>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [
    {
      tool: { driver: { name: 'elfscan'; version: string; semanticVersion: string; rules: SarifRule[] } };
      originalUriBaseIds: Record<string, { uri: string; description: Text }>;
      invocations: { executionSuccessful: true }[];
      /** Only with --all (the JSON report's `binaries`). */
      artifacts?: SarifArtifact[];
      results: SarifResult[];
      properties: { source: string; images: Omit<ImageReport, 'findings' | 'binaries'>[]; summary: Report['summary'] };
    },
  ];
}

export function formatSarif(report: Report): string {
  return `${JSON.stringify(sarifLog(report), null, 2)}\n`;
}

/** The SARIF log as a plain object (formatSarif() serializes it). */
export function sarifLog(report: Report): SarifLog {
  const ruleIndex = new Map(RULE_CATALOG.map((r, i) => [r.id as string, i]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'elfscan',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules: RULE_CATALOG.map((r) => ({
              id: r.id,
              name: pascalCase(r.id),
              shortDescription: { text: r.summary },
              fullDescription: { text: r.summary },
              help: { text: r.help, markdown: r.help },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: ['portability', 'container-image'], precision: 'high' },
            })),
          },
        },
        originalUriBaseIds: {
          [IMAGE_ROOT]: {
            uri: 'file:///',
            description: { text: "The root of the scanned image's filesystem: result paths are inside the image, not in the repository." },
          },
        },
        invocations: [{ executionSuccessful: true }],
        ...(report.images.some((i) => i.binaries) ? { artifacts: artifacts(report) } : {}),
        results: report.images.flatMap((image) => image.findings.map((f) => result(f, image, report, ruleIndex.get(f.rule) ?? -1))),
        properties: {
          source: report.source,
          images: report.images.map(({ ref, manifestDigest, platform, stats, libc }) => ({ ref, manifestDigest, platform, stats, libc })),
          summary: report.summary,
        },
      },
    ],
  };
}

function result(f: Finding, image: ImageReport, report: Report, ruleIndex: number): SarifResult {
  const name = imageName(image, report);
  const platform = image.platform.expected ?? image.platform.declared;
  const artifactLocation = f.path ? { uri: uriPath(f.path), uriBaseId: IMAGE_ROOT } : { uri: uriPath(name) };
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: { artifactLocation },
        logicalLocations: [{ name, fullyQualifiedName: platform ? `${name} (${platform})` : name, kind: 'module' }],
      },
    ],
    // Stable across rebuilds: no layer digest or tag-derived digest, only what the finding is about.
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint([f.rule, platform ?? '', f.path ?? name, f.found ?? '']) },
    properties: { image: name, platform, layer: f.layer, found: f.found, expected: f.expected, ...(f.package ? { package: f.package } : {}) },
  };
}

function artifacts(report: Report): SarifArtifact[] {
  const out: SarifArtifact[] = [];
  for (const image of report.images) {
    const parentIndex = out.length;
    const { ref, manifestDigest, platform } = image;
    out.push({ location: { uri: uriPath(imageName(image, report)) }, roles: ['analysisTarget'], properties: { ref, manifestDigest, platform } });
    for (const b of image.binaries ?? []) out.push({ location: { uri: uriPath(b.path), uriBaseId: IMAGE_ROOT }, parentIndex, properties: binaryProperties(b) });
  }
  return out;
}

/** The record as the JSON report has it, less the path the location already gives. */
function binaryProperties({ path: _path, ...facts }: BinaryRecord): Record<string, unknown> {
  return facts;
}

/** How an image is named to a person: its reference, else its digest, else the source given. */
function imageName(image: ImageReport, report: Report): string {
  return image.ref ?? image.manifestDigest ?? report.source;
}

/**
 * A relative URI reference for a path: no leading slash (code scanning takes a relative path as
 * a location and refuses unknown schemes) and every segment percent-encoded, so that `my-api:1.4`
 * does not read as a URI scheme and spaces, `#` or `?` in file names stay part of the path.
 */
export function uriPath(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function fingerprint(parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
}
