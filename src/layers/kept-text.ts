// Which files' whole text a layer scan keeps for the rules, and how much of it at most — the
// twin of native/src/kept_text.rs, which must answer alike. The rules read the loader's
// configuration (ld.so.conf, ld-musl-*.path) and what the loader model needs to judge a file as
// its loader would: npm package roots' package.json, Node's node_version.h, the dpkg and apk
// databases. Each kept text is under a per-kind size cap, and a layer keeps at most
// TEXTS_PER_LAYER of them and TEXT_BYTES_PER_LAYER in all, so memory stays bounded by the number
// of paths. Bytes only: the rules parse them lazily, when a file needs it.

/** Loader configuration, node_version.h: a few KiB in practice. */
const SMALL = 16 * 1024;
/** An npm package.json; larger ones (date-fns' export maps) are left unknown. */
const PACKAGE_JSON = 64 * 1024;
/** One package's file list (dpkg info/*.list, distroless status.d/*): texlive's are ~3 MiB. */
const FILE_LIST = 4 << 20;
/** A whole package database (dpkg status, apk installed): a desktop system's is ~5 MiB. */
const DATABASE = 32 << 20;
/** The largest cap of all: what a reader of whole texts must be ready to read. */
export const TEXT_MAX = DATABASE;
export const TEXTS_PER_LAYER = 1 << 16;
export const TEXT_BYTES_PER_LAYER = 128 << 20;

const LOADER_CONFIG = /^\/etc\/(ld\.so\.conf|ld\.so\.conf\.d\/[^/]+\.conf|ld-musl-[a-z0-9_]+\.path)$/;
/** dpkg's per-package file lists and distroless' per-package status files. */
const DPKG_FILE_LIST = /^\/var\/lib\/dpkg\/(info\/[^/]+\.list|status\.d\/[^/]+)$/;

/** The size cap of a kept text at `path` (normalized, absolute), or null when it is not kept. */
export function textCap(path: string): number | null {
  if (path.startsWith('/etc/')) return LOADER_CONFIG.test(path) ? SMALL : null;
  if (path.startsWith('/var/lib/dpkg/')) return path === '/var/lib/dpkg/status' ? DATABASE : DPKG_FILE_LIST.test(path) ? FILE_LIST : null;
  if (path === '/lib/apk/db/installed') return DATABASE;
  if (path.endsWith('/include/node/node_version.h')) return SMALL;
  return isPackageRootJson(path) ? PACKAGE_JSON : null;
}

/** The manifest of an installed package, not one of the nested ones some packages carry. */
function isPackageRootJson(path: string): boolean {
  if (!path.endsWith('/package.json')) return false;
  const parts = path.split('/');
  const name = parts[parts.length - 2] ?? '';
  const parent = parts[parts.length - 3] ?? '';
  if (name === '' || name.startsWith('.')) return false;
  if (parent === 'node_modules') return !name.startsWith('@');
  return parent.length > 1 && parent.startsWith('@') && parts[parts.length - 4] === 'node_modules';
}

/** A layer's running count of kept texts. */
export class TextBudget {
  private count = 0;
  private bytes = 0;

  /** Whether a file of `size` bytes at `path` is kept whole (the budget permitting). */
  wants(path: string, size: number): boolean {
    const cap = textCap(path);
    return cap !== null && size <= cap && this.count < TEXTS_PER_LAYER && this.bytes + size <= TEXT_BYTES_PER_LAYER;
  }

  spend(size: number): void {
    this.count++;
    this.bytes += size;
  }
}
