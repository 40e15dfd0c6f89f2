// The images the registry tests push (with skopeo, as a real client would) and the summary of a
// report they compare: an arm64 image carrying one x86-64 addon, and a clean amd64 image.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../../src/index.js';
import { tempDir, writeOciDir, type BuildOptions, type FileSpec, type ImageSpec } from '../../helpers/image-builder.js';

export const arm64Image: ImageSpec = {
  platform: 'linux/arm64',
  layers: [
    [
      { path: '/usr/bin/hello', fixture: 'arm64/hello' },
      { path: '/usr/lib/libhello.so', fixture: 'arm64/libhello.so' },
      { path: '/etc/motd', body: 'arm64 image\n'.repeat(200) },
    ],
    [{ path: '/app/node_modules/fast/build/Release/fast.node', fixture: 'amd64/libhello.so' }],
  ],
};

export const amd64Image: ImageSpec = {
  platform: 'linux/amd64',
  layers: [
    [
      { path: '/usr/bin/hello', fixture: 'amd64/hello' },
      { path: '/usr/lib/libhello.so', fixture: 'amd64/libhello.so' },
    ],
  ],
};

/** What a scan of arm64Image must report. */
export const arm64Summary = {
  platform: { declared: 'linux/arm64', expected: 'linux/arm64' },
  stats: { layers: 2, files: 4, binaries: 3 },
  findings: [['error', 'arch-mismatch', '/app/node_modules/fast/build/Release/fast.node', 'linux/amd64', 'linux/arm64']],
};

export const amd64Summary = {
  platform: { declared: 'linux/amd64', expected: 'linux/amd64' },
  stats: { layers: 1, files: 2, binaries: 2 },
  findings: [],
};

/** The rules these tests are about (the images are not complete systems: no libc, no loader). */
const PLATFORM_RULES = new Set(['platform-mismatch', 'arch-mismatch', 'abi-mismatch', 'foreign-format', 'missing-platform']);

export function summary(report: Report) {
  return report.images.map((i) => ({
    platform: i.platform,
    stats: { layers: i.stats.layers, files: i.stats.files, binaries: i.stats.binaries },
    findings: i.findings.filter((f) => PLATFORM_RULES.has(f.rule)).map((f) => [f.severity, f.rule, f.path, f.found, f.expected]),
  }));
}

/**
 * Pushes an image (or, for several specs, an image index) with `skopeo copy --all` from an OCI
 * layout written by the image builder: skopeo 1.9 cannot build an index itself.
 */
export async function push(specs: ImageSpec | ImageSpec[], dest: string, opts: BuildOptions & { creds?: string } = {}): Promise<void> {
  const dir = writeOciDir(specs, { layerCompression: 'gzip', ...opts });
  const home = tempDir();
  writeFileSync(join(home, 'auth.json'), '{}');
  const args = ['--insecure-policy', 'copy', '--all', '--quiet', '--dest-tls-verify=false'];
  if (opts.creds) args.push('--dest-creds', opts.creds);
  args.push(`oci:${dir}`, `docker://${dest}`);
  // Asynchronous on purpose: the token server that skopeo asks runs in this very process.
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('skopeo', args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: home, REGISTRY_AUTH_FILE: join(home, 'auth.json') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  if (code !== 0) throw new Error(`skopeo copy to ${dest} failed (exit ${code}): ${stderr.trim()}`);
}

/** A two-layer-heavy image (~12 MB, 3,046 files) for comparing sources; one foreign addon. */
export function bigImage(platform: 'linux/arm64' | 'linux/amd64'): ImageSpec {
  const arch = platform === 'linux/arm64' ? 'arm64' : 'amd64';
  const other = arch === 'arm64' ? 'amd64' : 'arm64';
  const text: FileSpec[] = Array.from({ length: 3000 }, (_, i) => ({ path: `/usr/share/doc/pkg${i % 100}/file${i}.txt`, body: `line ${i}\n`.repeat(200) }));
  const bins: FileSpec[] = Array.from({ length: 40 }, (_, i) => ({ path: `/usr/lib/lib${i}.so`, fixture: `${arch}/libhello.so` }));
  const blobs: FileSpec[] = Array.from({ length: 4 }, (_, i) => ({ path: `/opt/data/blob${i}.bin`, body: randomBytes(3 << 20) }));
  return {
    platform,
    layers: [text, [...bins, { path: '/usr/bin/hello', fixture: `${arch}/hello` }], blobs, [{ path: '/app/addon.node', fixture: `${other}/libhello.so` }]],
  };
}
