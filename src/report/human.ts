// The report for people, in a terminal or a CI log: one block per image, one line per finding,
// long runs of the same finding in one directory folded into a count, with --all a table of every
// binary after the findings, and a summary line. Every string that comes from the image (names,
// refs, platforms, messages that quote them) goes through forTerminal: a file name must not be
// able to drive the terminal it is printed on.

import { forTerminal as t } from '../escape.js';
import type { BinaryRecord, Finding, ImageReport, PackageRef, Report } from '../model.js';

export interface HumanOptions {
  color: boolean;
  /** Only findings; no image headers, no --all table and no summary when nothing was found. */
  quiet: boolean;
  seconds: number;
}

/** More findings than this of one kind in one directory are folded after the first FOLD_SHOW. */
const FOLD_OVER = 4;
const FOLD_SHOW = 2;

const STYLE = { error: '31;1', warning: '33;1', info: '36', dim: '2', bold: '1', ok: '32' } as const;

export function formatHuman(report: Report, opts: HumanOptions): string {
  const paint = (style: keyof typeof STYLE, s: string) => (opts.color ? `\x1b[${STYLE[style]}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  for (const image of report.images) {
    if (!opts.quiet || image.findings.length > 0) lines.push(...imageBlock(image, report.source, paint, opts.quiet));
  }
  const s = report.summary;
  const files = report.images.reduce((n, i) => n + i.stats.files, 0);
  const binaries = report.images.reduce((n, i) => n + i.stats.binaries, 0);
  if (!opts.quiet || s.errors + s.warnings > 0) {
    const counts = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}`;
    const verdict = s.errors > 0 ? paint('error', counts) : s.warnings > 0 ? paint('warning', counts) : paint('ok', counts);
    lines.push(
      `${plural(s.images, 'image')}, ${plural(files, 'file')}, ${plural(binaries, 'binary', 'binaries')}: ${verdict} (${opts.seconds.toFixed(1)} s)`,
    );
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

type Paint = (style: keyof typeof STYLE, s: string) => string;

function imageBlock(image: ImageReport, source: string, paint: Paint, quiet: boolean): string[] {
  const lines: string[] = [];
  const name = t(image.ref ?? image.manifestDigest ?? source);
  const { declared, expected } = image.platform;
  const platform = declared === expected ? t(`${expected}`) : `expected ${t(`${expected}`)}, declared ${declared === null ? 'nothing' : t(declared)}`;
  if (!quiet) {
    const st = image.stats;
    const libc = image.libc ? `, ${t([image.libc.flavor, image.libc.version].filter(Boolean).join(' '))}` : '';
    lines.push(paint('bold', `${name} (${platform})`) + paint('dim', `  ${plural(st.layers, 'layer')}, ${plural(st.files, 'file')}, ${plural(st.binaries, 'binary', 'binaries')}${libc}`));
  }
  for (const group of foldRuns(image.findings)) {
    const f = group[0]!;
    const shown = group.length > FOLD_OVER ? group.slice(0, FOLD_SHOW) : group;
    for (const g of shown) lines.push(findingLine(g, paint));
    if (shown.length < group.length) {
      lines.push(paint('dim', `  … and ${group.length - shown.length} more ${f.rule} ${f.severity}s like these in ${t(dirOf(f.path!))}/`));
    }
  }
  if (!quiet && image.findings.length === 0) lines.push(paint('ok', '  no findings'));
  if (!quiet && image.binaries) lines.push(...inventory(image.binaries, paint));
  return lines;
}

/** --all: every binary of the image (sorted by path, as the scan lists them), one row each. */
function inventory(binaries: BinaryRecord[], paint: Paint): string[] {
  if (binaries.length === 0) return [paint('dim', '  binaries: none')];
  const rows = binaries.map((b) => [t(b.platform), t(b.kind), t(b.path), b.interpreter ? `interpreter ${t(b.interpreter)}` : '']);
  // reduce, not Math.max(...): an image can hold more binaries than a call takes arguments.
  const width = (col: number) => rows.reduce((w, r) => Math.max(w, r[col]!.length), 0);
  const [w0, w1] = [width(0), width(1)];
  return [
    paint('bold', `  ${plural(binaries.length, 'binary', 'binaries')}:`),
    ...rows.map(([platform, kind, path, interp]) => `    ${platform!.padEnd(w0)}  ${kind!.padEnd(w1)}  ${path}${interp ? paint('dim', `  ${interp}`) : ''}`),
  ];
}

function findingLine(f: Finding, paint: Paint): string {
  const sev = paint(f.severity, f.severity.padEnd(7));
  const pkg = f.package ? paint('dim', `  [${t(packageLabel(f.package))}]`) : '';
  const where = f.path ? `${t(f.path)}${pkg}\n            ` : '';
  return `  ${sev} ${f.rule}: ${where}${t(f.message)}`;
}

/** "deb libc6 2.36-9 (arm64)", "npm @rollup/rollup-linux-x64-gnu 4.24.0 (x64)". */
function packageLabel(p: PackageRef): string {
  return `${p.ecosystem} ${p.name}${p.version ? ` ${p.version}` : ''}${p.arch ? ` (${p.arch})` : ''}`;
}

/** Consecutive findings (they are sorted by path) of one rule, severity and platform in one directory. */
function foldRuns(findings: Finding[]): Finding[][] {
  const groups: Finding[][] = [];
  let key = '';
  for (const f of findings) {
    const k = f.path === null ? `\0${groups.length}` : `${f.rule}|${f.severity}|${f.found}|${dirOf(f.path)}`;
    if (k === key) groups[groups.length - 1]!.push(f);
    else groups.push([f]);
    key = k;
  }
  return groups;
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
