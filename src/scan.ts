// The pipeline in one screen: open the source, pick the images, lay their layers over each
// other, run the rules, and assemble the report of spec §8.

import type { ElfscanConfig } from './config/load-config.js';
import { ElfscanError } from './errors.js';
import { LayerScans } from './layers/scan-layer.js';
import type { BinaryRecord, Finding, ImageReport, LayerIndex, Report } from './model.js';
import { FileTree } from './overlay/file-tree.js';
import { formatPlatform, parsePlatform, platformMatches, type Platform } from './platform.js';
import { imageLibcInfo } from './rules/image-libc.js';
import { runRules, type KeptTexts } from './rules/index.js';
import { newestNeeded } from './rules/symbol-versions.js';
import { describePlatforms } from './sources/oci-index.js';
import { openSource } from './sources/open-source.js';
import { releaseFreeMemory } from './native.js';
import { meterFor, type Progress, type ProgressMeter } from './progress.js';
import type { ImageCandidate, LayerBlob, OpenedSource } from './sources/source.js';
import { VERSION } from './version.js';

export interface ScanOptions {
  /** --platform: the platform(s) expected; for an index, which children to scan. */
  platforms?: string[];
  /** --require-platforms: an index must contain each of these. */
  requirePlatforms?: string[];
  /** --ignore globs: matching findings become by-design info. */
  ignore?: string[];
  /** --all: list every binary, not only findings. */
  all?: boolean;
  /** A config file's settings (src/config/load-config.ts): accepted paths with reasons, severities, required platforms. */
  config?: ElfscanConfig;
  /** The bytes of "-" (defaults to process.stdin). */
  stdin?: AsyncIterable<Buffer>;
  /** --insecure-registry: allow plain HTTP and unverified TLS to a registry. */
  insecureRegistry?: boolean;
  /** --registry-timeout: the fixed part of each registry request's deadline (default 60 s), to which the time its size takes at 16 KiB/s is added. */
  registryTimeoutMs?: number;
  /** Environment for registry credentials (DOCKER_CONFIG, HOME, PATH for helpers); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** How far the scan has got (layers, stored bytes, rate): a few times a second, and whenever a layer is done. */
  progress?: (p: Progress) => void;
  /** --verbose: told when each stage ends and how long it took (ms). */
  onStage?: (stage: string, ms: number) => void;
}

/** A progress bar redrawn more often than this only costs time. */
const PROGRESS_TICK_MS = 250;

export async function scan(source: string, options: ScanOptions = {}): Promise<Report> {
  const progress = meterFor(options.progress, PROGRESS_TICK_MS);
  try {
    return await scanMetered(source, options, progress.meter, progress.tell);
  } finally {
    progress.stop();
  }
}

async function scanMetered(source: string, options: ScanOptions, meter: ProgressMeter, tell: () => void): Promise<Report> {
  const wanted = options.platforms?.map(parsePlatform) ?? null;
  const required = [...(options.requirePlatforms ?? []), ...(options.config?.requirePlatforms ?? [])].map(parsePlatform);
  const stage = stageTimer(options.onStage);
  const opened = await openSource(source, {
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.env ? { env: options.env } : {}),
    meter,
    registry: {
      insecure: Boolean(options.insecureRegistry),
      ...(options.registryTimeoutMs ? { requestTimeoutMs: options.registryTimeoutMs } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.platforms ? { platforms: options.platforms } : {}),
    },
  });
  stage(`open ${source}`);
  const selected = await Promise.all(selectImages(opened, wanted).map(async (s) => ({ ...s, blobs: await s.image.layers() })));
  // A layer without a digest (a legacy archive's) is its own key: it is shared with nothing.
  meter.expect(selected.flatMap(({ blobs }, i) => blobs.map((b, n) => ({ key: b.digest ?? `${i}/${n}`, size: b.size }))));
  tell();
  const scans = new LayerScans(meter);
  const images: ImageReport[] = [];
  for (const { image, expected, blobs } of selected) images.push(await scanImage(image, blobs, expected, options, stage, scans));
  const missing = missingPlatforms(opened, required);
  if (missing.length > 0) images[0]!.findings.unshift(...missing);
  return {
    schemaVersion: 1,
    tool: { name: 'elfscan', version: VERSION },
    source,
    images,
    summary: summarize(images),
  };
}

/** Calls onStage with the time since the previous stage ended; a no-op without --verbose. */
function stageTimer(onStage: ScanOptions['onStage']): (name: string) => void {
  let last = performance.now();
  return (name) => {
    if (!onStage) return;
    const now = performance.now();
    onStage(name, now - last);
    last = now;
  };
}

function selectImages(opened: OpenedSource, wanted: Platform[] | null): { image: ImageCandidate; expected: Platform }[] {
  const where = opened.where;
  if (opened.rootfs && !wanted)
    throw new ElfscanError(where, 'holds no image metadata (no manifest.json or index.json); to scan it as a root filesystem, give --platform');
  let images = opened.images;
  if (opened.indexPlatforms && wanted) {
    images = images.filter((img) => img.declared && wanted.some((w) => platformMatches(w, img.declared!)));
    if (images.length === 0)
      throw new ElfscanError(where, `the image index has no ${describePlatforms(wanted)} image (it has ${describePlatforms(opened.indexPlatforms)})`);
  }
  return images.map((image) => {
    const expected = wanted ? (wanted.find((w) => image.declared && platformMatches(w, image.declared)) ?? wanted[0]!) : image.declared;
    if (!expected) throw new ElfscanError(where, `image ${image.ref ?? image.manifestDigest ?? ''} declares no platform; give --platform`.replace('  ', ' '));
    return { image, expected };
  });
}

async function scanImage(
  image: ImageCandidate,
  blobs: LayerBlob[],
  expected: Platform,
  options: ScanOptions,
  stage: (name: string) => void,
  scans: LayerScans,
): Promise<ImageReport> {
  const name = image.ref ?? image.manifestDigest ?? formatPlatform(expected);
  const { layers, verified } = await scans.image(blobs, image.layerConcurrency);
  // Out of the addon's callback first: the promise of the last layer was settled inside it, and
  // its microtasks — the rest of the scan — would run with the callback's handle scope open,
  // keeping every object the addon made for that layer alive through the overlay and the rules.
  await new Promise(setImmediate);
  releaseFreeMemory();
  stage(`${name}: layers (${layers.length})`);
  const tree = new FileTree();
  layers.forEach((layer, n) => tree.applyLayer(layer, n));
  stage(`${name}: overlay`);
  const layerDigest = (n: number) => blobs[n]?.digest ?? null;
  const ctx = { tree, config: image.config, declared: image.declared, expected, layerDigest, ...textsOf(keptTexts(tree, layers)) };
  const findings = runRules(ctx,
    [...(options.ignore ?? []), ...(options.config?.ignore.map((i) => ({ pattern: i.path, reason: i.reason })) ?? [])],
    options.config?.severity ?? {},
  );
  stage(`${name}: rules`);
  // The last layers' digests were being computed meanwhile; no report on bytes that do not match.
  if (verified) {
    await verified;
    stage(`${name}: digests`);
  }
  const binaries: BinaryRecord[] = [];
  let binaryCount = 0;
  for (const f of tree.files()) {
    if (!f.facts && !f.unreadable) continue;
    binaryCount++;
    if (options.all && f.facts) {
      binaries.push({
        path: f.path,
        layer: layerDigest(f.layer),
        format: f.facts.format,
        platform: f.facts.platform,
        machine: f.facts.cpu,
        bits: f.facts.bits,
        endian: f.facts.endian,
        kind: f.facts.kind,
        interpreter: f.facts.interpreter,
        isaLevel: f.facts.isaLevel ?? null,
        armArch: f.facts.armArch ?? null,
        floatAbi: f.facts.floatAbi,
        needed: f.facts.needed ?? null,
        loadAlign: f.facts.loadAlign ?? null,
        needsGlibc: newestNeeded(f.facts, 'GLIBC'),
        needsGlibcxx: newestNeeded(f.facts, 'GLIBCXX'),
      });
    }
  }
  return {
    ref: image.ref,
    manifestDigest: image.manifestDigest,
    platform: { declared: image.declared ? formatPlatform(image.declared) : null, expected: formatPlatform(expected) },
    stats: { layers: layers.length, files: tree.fileCount, binaries: binaryCount, bytesRead: layers.reduce((s, l) => s + l.bytesRead, 0) },
    libc: imageLibcInfo(ctx),
    findings: sortFindings(findings),
    ...(options.all ? { binaries } : {}),
  };
}

/** The texts the walker kept, as the final filesystem shows them. */
function keptTexts(tree: FileTree, layers: LayerIndex[]): KeptTexts {
  const kept = new Map<string, { layer: number; text: string }>();
  layers.forEach((l, n) => {
    for (const [path, text] of l.texts) kept.set(path, { layer: n, text });
  });
  // The file must still be the one that layer wrote (not replaced or deleted since).
  const live = (path: string) => {
    const f = tree.resolve(path);
    const k = f ? kept.get(f.path) : undefined;
    return k && f && f.type === 'file' && f.layer === k.layer ? k : undefined;
  };
  return {
    text(path) {
      return live(path)?.text;
    },
    *paths() {
      for (const path of kept.keys()) if (live(path)) yield path;
    },
    contains(path, needle) {
      return live(path)?.text.includes(needle) ?? false;
    },
    layer(path) {
      return live(path)?.layer;
    },
  };
}

function textsOf(texts: KeptTexts): { text: (path: string) => string | undefined; texts: KeptTexts } {
  return { text: (path) => texts.text(path), texts };
}

function missingPlatforms(opened: OpenedSource, required: Platform[]): Finding[] {
  const have = opened.indexPlatforms ?? opened.images.flatMap((i) => (i.declared ? [i.declared] : []));
  return required
    .filter((r) => !have.some((h) => platformMatches(r, h)))
    .map((r) => ({
      severity: 'error' as const,
      rule: 'missing-platform' as const,
      path: null,
      layer: null,
      found: null,
      expected: formatPlatform(r),
      message: `the image has no ${formatPlatform(r)} variant (it has ${describePlatforms(have)}); add it to the build's --platform list`,
    }));
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      (a.path === null ? -1 : 0) - (b.path === null ? -1 : 0) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compare(a.path ?? '', b.path ?? '') ||
      compare(a.rule, b.rule),
  );
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function summarize(images: ImageReport[]): Report['summary'] {
  const s = { images: images.length, errors: 0, warnings: 0, infos: 0 };
  for (const img of images)
    for (const f of img.findings) {
      if (f.severity === 'error') s.errors++;
      else if (f.severity === 'warning') s.warnings++;
      else s.infos++;
    }
  return s;
}
