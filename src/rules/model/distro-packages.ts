// Which distribution package installed a file, read from the databases the package managers
// write: dpkg's /var/lib/dpkg/status with its /var/lib/dpkg/info/<pkg>[:<arch>].list file lists
// (dpkg(1), deb-control(5)), distroless' /var/lib/dpkg/status.d/<pkg> with <pkg>.md5sums, and
// apk's /lib/apk/db/installed (P: name, V: version, A: arch, F: folder, R: file in it). The
// databases are parsed once, the first time a file asks; listed paths are taken through the
// image's symlinked folders (merged /usr: /lib/x86_64-linux-gnu/libc.so.6 is
// /usr/lib/x86_64-linux-gnu/libc.so.6), as the file the tree holds. A listed file that a later
// layer than the package's record replaced (a COPY over it) is no longer the package's: the
// record is rewritten whenever the package manager writes the file.

import type { FinalFile, PackageRef } from '../../model.js';
import type { FileTree } from '../../overlay/file-tree.js';
import type { KeptTexts } from '../context.js';

export interface DistroPackage extends PackageRef {
  ecosystem: 'deb' | 'apk';
  arch: string;
}

const byTree = new WeakMap<FileTree, DistroPackages>();

/** The image's packages, read once however many readers ask (the loader model, the libc header). */
export function distroPackagesOf(tree: FileTree, texts: KeptTexts | undefined): DistroPackages {
  let d = byTree.get(tree);
  if (!d) byTree.set(tree, (d = new DistroPackages(tree, texts)));
  return d;
}

export class DistroPackages {
  /** Real path → the package listing it, and the layer of the record that lists it. */
  private owners: Map<string, { pkg: DistroPackage; layer: number }> | null = null;
  private readonly realDirs = new Map<string, string>();

  constructor(
    private readonly tree: FileTree,
    private readonly texts: KeptTexts | undefined,
  ) {}

  /** The package that lists this file, if any, and wrote it last. */
  ownerOf(file: FinalFile): DistroPackage | undefined {
    this.owners ??= this.read();
    const o = this.owners.get(file.path);
    return o && file.layer <= o.layer ? o.pkg : undefined;
  }

  private read(): Map<string, { pkg: DistroPackage; layer: number }> {
    const owners = new Map<string, { pkg: DistroPackage; layer: number }>();
    const texts = this.texts;
    if (!texts) return owners;
    let layer = 0;
    const own = (listed: string, pkg: DistroPackage) => {
      if (listed.startsWith('/') && listed.length > 1) owners.set(this.real(listed), { pkg, layer });
    };
    const status = paragraphs(texts.text('/var/lib/dpkg/status') ?? '');
    const byName = new Map<string, DistroPackage>();
    for (const p of status) {
      const pkg = debPackage(p);
      // "install ok installed", "… unpacked", "… half-configured": the files are there; not after removal.
      const state = (p.get('Status') ?? 'installed').split(/\s+/).pop();
      if (!pkg || state === 'not-installed' || state === 'config-files') continue;
      byName.set(`${pkg.name}:${pkg.arch}`, pkg);
      if (!byName.has(pkg.name)) byName.set(pkg.name, pkg);
    }
    for (const path of texts.paths()) {
      const list = /^\/var\/lib\/dpkg\/info\/([^/]+)\.list$/.exec(path);
      layer = texts.layer(path) ?? 0;
      if (list) {
        const pkg = byName.get(list[1]!);
        if (pkg) for (const line of (texts.text(path) ?? '').split('\n')) own(line, pkg);
        continue;
      }
      // distroless: status.d/<pkg> is the package's paragraph, status.d/<pkg>.md5sums its files.
      const sums = /^\/var\/lib\/dpkg\/status\.d\/([^/]+)\.md5sums$/.exec(path);
      if (sums) {
        const pkg = debPackage(paragraphs(texts.text(`/var/lib/dpkg/status.d/${sums[1]}`) ?? '')[0]);
        if (pkg) for (const line of (texts.text(path) ?? '').split('\n')) own(`/${line.replace(/^[0-9a-f]+\s+/, '')}`, pkg);
      }
    }
    layer = texts.layer('/lib/apk/db/installed') ?? 0;
    for (const p of apkParagraphs(texts.text('/lib/apk/db/installed') ?? '')) {
      const name = p.find(([k]) => k === 'P')?.[1];
      if (!name) continue;
      const pkg: DistroPackage = { ecosystem: 'apk', name, version: p.find(([k]) => k === 'V')?.[1] ?? null, arch: p.find(([k]) => k === 'A')?.[1] ?? 'noarch' };
      let folder = '';
      for (const [k, v] of p) {
        if (k === 'F') folder = v;
        else if (k === 'R') own(`/${folder ? `${folder}/` : ''}${v}`, pkg);
      }
    }
    return owners;
  }

  /** The listed path with its folder resolved through the image's symlinks. */
  private real(listed: string): string {
    const slash = listed.lastIndexOf('/');
    const dir = listed.slice(0, slash) || '/';
    let real = this.realDirs.get(dir);
    if (real === undefined) {
      real = this.tree.resolve(dir)?.path ?? dir;
      this.realDirs.set(dir, real);
    }
    return `${real === '/' ? '' : real}${listed.slice(slash)}`;
  }
}

function debPackage(p: Map<string, string> | undefined): DistroPackage | null {
  const name = p?.get('Package');
  if (!p || !name) return null;
  return { ecosystem: 'deb', name, version: p.get('Version') ?? null, arch: p.get('Architecture') ?? 'all' };
}

/** deb822 paragraphs (status, status.d files): "Field: value" lines, continuation lines skipped. */
function paragraphs(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let cur = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (cur.size) out.push(cur);
      cur = new Map();
    } else if (!/^\s/.test(line)) {
      const colon = line.indexOf(':');
      if (colon > 0) cur.set(line.slice(0, colon), line.slice(colon + 1).trim());
    }
  }
  if (cur.size) out.push(cur);
  return out;
}

/** apk's installed database: "K:value" lines in blank-line separated blocks, order kept (F before its R lines). */
function apkParagraphs(text: string): [string, string][][] {
  const out: [string, string][][] = [];
  let cur: [string, string][] = [];
  for (const line of text.split('\n')) {
    if (line === '') {
      if (cur.length) out.push(cur);
      cur = [];
    } else if (line[1] === ':') cur.push([line[0]!, line.slice(2)]);
  }
  if (cur.length) out.push(cur);
  return out;
}
