// Small images for the rule tests: real fixture binaries standing in for a distribution's C
// library and loader, so each test names only what it is about.

import { scan, type ScanOptions } from '../../src/index.js';
import type { FileSpec, ImageSpec } from '../helpers/image-builder.js';
import { writeArchive } from '../helpers/image-builder.js';

export const at = (path: string, fixture: string, mode?: number): FileSpec => ({ path, fixture, ...(mode === undefined ? {} : { mode }) });
export const link = (path: string, target: string): FileSpec => ({ path, type: 'symlink', target });
export const text = (path: string, body: string, mode = 0o644): FileSpec => ({ path, body, mode });

/** A Debian-like amd64 glibc base: the loader at its ABI path, libc in the multiarch folder. */
export const glibcAmd64: FileSpec[] = [
  at('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'amd64/libhello.so'),
  link('/lib64', 'usr/lib64'),
  link('/usr/lib64/ld-linux-x86-64.so.2', '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'),
  link('/lib', 'usr/lib'),
  at('/usr/lib/x86_64-linux-gnu/libc.so.6', 'amd64/libhello.so'),
  text('/etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n'),
  text('/etc/ld.so.conf.d/x86_64-linux-gnu.conf', '# Multiarch support\n/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n'),
];

/** The arm64 equivalent. */
export const glibcArm64: FileSpec[] = [
  link('/lib', 'usr/lib'),
  at('/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1', 'arm64/libhello.so'),
  link('/usr/lib/ld-linux-aarch64.so.1', 'aarch64-linux-gnu/ld-linux-aarch64.so.1'),
  at('/usr/lib/aarch64-linux-gnu/libc.so.6', 'arm64/libhello.so'),
];

/** An Alpine-like amd64 musl base. */
export const muslAmd64: FileSpec[] = [
  at('/lib/ld-musl-x86_64.so.1', 'amd64-musl/hello'),
  link('/lib/libc.musl-x86_64.so.1', 'ld-musl-x86_64.so.1'),
  link('/usr/lib/libc.so', '/lib/ld-musl-x86_64.so.1'),
];

export type Row = [Severity: string, rule: string, path: string | null];

export async function report(spec: Partial<ImageSpec> & { platform: string; layers: FileSpec[][] }, options: ScanOptions = {}) {
  return (await scan(writeArchive(spec as ImageSpec, 'docker-25'), options)).images[0]!;
}

/** [severity, rule, path] of every finding. */
export async function rows(spec: Partial<ImageSpec> & { platform: string; layers: FileSpec[][] }, options: ScanOptions = {}): Promise<Row[]> {
  return (await report(spec, options)).findings.map((f) => [f.severity, f.rule, f.path]);
}

/** An installed npm package's package.json at `dir`. */
export const npmManifest = (dir: string, manifest: Record<string, unknown>): FileSpec => text(`${dir}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);

export interface DebSpec {
  name: string;
  version: string;
  arch: string;
  /** Files the package lists (folders are listed by dpkg too; they are added here). */
  files: string[];
  /** Multi-Arch: same packages have their list at info/<name>:<arch>.list. */
  multiArchSame?: boolean;
}

/**
 * dpkg's database for these packages in the layout dpkg writes it (status paragraphs,
 * info/<pkg>[:<arch>].list with every folder first); the real-trees suite has dpkg itself write
 * it (test/setup/real-trees.ts).
 */
export function dpkgDatabase(pkgs: DebSpec[]): FileSpec[] {
  const status = pkgs
    .map((p) => `Package: ${p.name}\nStatus: install ok installed\nPriority: optional\nSection: misc\nInstalled-Size: 1\nMaintainer: Debian <debian@example.org>\nArchitecture: ${p.arch}\n${p.multiArchSame ? 'Multi-Arch: same\n' : ''}Version: ${p.version}\nDescription: ${p.name}\n`)
    .join('\n');
  const lists = pkgs.map((p) => {
    const dirs = new Set<string>(['/.']);
    for (const f of p.files) for (let i = f.indexOf('/', 1); i > 0; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
    return text(`/var/lib/dpkg/info/${p.name}${p.multiArchSame ? `:${p.arch}` : ''}.list`, `${[...dirs, ...p.files].join('\n')}\n`);
  });
  return [text('/var/lib/dpkg/status', status), ...lists];
}
