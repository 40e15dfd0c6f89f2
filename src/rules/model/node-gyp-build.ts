// node-gyp-build's resolver (node-gyp-build.js, v4.8: `load.resolve`), ported to a listing of the
// image instead of the host's disk: build/Release, then build/Debug (first `.node` file), then
// prebuilds/<platform>-<arch>[+<arch>…] (single-arch folders first), and in it the best-tagged
// `<name>[.<tag>…].node` — runtime, `napi`, `abi<N>`, `uv<N>`, `armv<N>`, `glibc`/`musl` — by
// its own match and precedence. Also its older and forked flavours: v3 (prebuilds/<platform>
// [<libc>]-<arch>[-v<armv>]/<runtime>-<abi>.node, then <runtime>-napi.node, then node-napi.node)
// and node-gyp-build-optional-packages (v4's rules, the running C library instead of
// /etc/alpine-release, then the tagged files of the package `@<name>/<name>-<platform>-<arch>`).
// What cannot be known without running the target's Node is answered for every value it could
// have: with no known ABI, the prebuild each ABI the package ships for would get
// (docs/rules.md). `readdir` order is unknowable; names are taken sorted.

/** What node-gyp-build reads from the running process and its environment. */
export interface NgbTarget {
  platform: string;
  arch: string;
  libc: string;
  armv: string;
  /** process.versions.modules; null: unknown. */
  abi: string | null;
  uv: string;
  runtime: 'node' | 'electron' | 'node-webkit';
  prebuildsOnly: boolean;
}

/** Names of the entries of an image directory, or [] when there is none. */
export type Listing = (dir: string) => string[];

export type NgbFlavour =
  | { kind: 'v4' }
  | { kind: 'v3' }
  /** `platformPackage`: the folder `require.resolve('@<name>/<name>-<platform>-<arch>')` finds, if any. */
  | { kind: 'optional-packages'; platformPackage: string | null };

/** The files node-gyp-build may load from `dir` on the target (usually one); [] when it would throw. */
export function ngbResolve(list: Listing, dir: string, t: NgbTarget, flavour: NgbFlavour = { kind: 'v4' }): string[] {
  if (!t.prebuildsOnly) {
    for (const build of ['build/Release', 'build/Debug']) {
      const first = list(`${dir}/${build}`).filter((n) => n.endsWith('.node'));
      // getFirst takes readdir()'s first; with more than one, any of them.
      if (first.length) return first.map((n) => `${dir}/${build}/${n}`);
    }
  }
  if (flavour.kind === 'v3') return v3Prebuild(list, dir, t);
  const tuple = list(`${dir}/prebuilds`)
    .map(parseTuple)
    .filter((x): x is Tuple => x !== null && x.platform === t.platform && x.architectures.includes(t.arch))
    .sort((a, b) => a.architectures.length - b.architectures.length)[0];
  if (tuple) return bestTagged(list, `${dir}/prebuilds/${tuple.name}`, t);
  return flavour.kind === 'optional-packages' && flavour.platformPackage ? bestTagged(list, flavour.platformPackage, t) : [];
}

/** The winner(s) of a folder of tagged `.node` files, for the ABI or, unknown, every ABI shipped. */
function bestTagged(list: Listing, folder: string, t: NgbTarget): string[] {
  const parsed = list(folder).map(parseTags).filter((x): x is Tags => x !== null);
  const abis = t.abi !== null ? [t.abi] : [...new Set(parsed.map((p) => p.abi).filter((a): a is string => a !== undefined)), '\0none'];
  const out = new Set<string>();
  for (const abi of abis) {
    const candidates = parsed.filter((p) => matchTags(p, t, abi)).sort(compareTags(t.runtime));
    const winner = candidates[0];
    // Equal by its precedence: which one readdir lists first decides; any of them may be loaded.
    for (const c of candidates) if (winner && compareTags(t.runtime)(winner, c) === 0) out.add(`${folder}/${c.file}`);
  }
  return [...out];
}

/** v3: the most specific of platform-arch, platform<libc>-arch (and -v<armv> of each) that has a match. */
function v3Prebuild(list: Listing, dir: string, t: NgbTarget): string[] {
  const names = [`${t.platform}-${t.arch}`, `${t.platform}${t.libc}-${t.arch}`];
  if ((t.arch === 'arm' || t.arch === 'arm64') && t.armv) for (const n of [...names]) names.push(`${n}-v${t.armv}`);
  for (let i = names.length - 1; i >= 0; i--) {
    const folder = `${dir}/prebuilds/${names[i]}`;
    const files = list(folder);
    const abi = files.filter((f) => {
      const parts = f.split('-');
      return parts[0] === t.runtime && (t.abi === null ? /^\d+\.node$/.test(parts[1] ?? '') : parts[1] === `${t.abi}.node`);
    });
    const napi = files.filter((f) => f === `${t.runtime}-napi.node`);
    const plain = files.filter((f) => f === 'node-napi.node');
    // An unknown ABI may be one of those shipped, or none of them (then the napi build).
    const got = t.abi === null ? [...abi, ...(napi.length ? napi : plain)] : abi.length ? abi : napi.length ? napi : plain;
    if (got.length) return got.map((f) => `${folder}/${f}`);
  }
  return [];
}

interface Tuple {
  name: string;
  platform: string;
  architectures: string[];
}

/** "darwin-x64+arm64" → { platform: darwin, architectures: [x64, arm64] }; anything else null. */
function parseTuple(name: string): Tuple | null {
  const arr = name.split('-');
  if (arr.length !== 2) return null;
  const architectures = arr[1]!.split('+');
  if (!arr[0] || !architectures.every(Boolean)) return null;
  return { name, platform: arr[0], architectures };
}

interface Tags {
  file: string;
  specificity: number;
  runtime?: string;
  napi?: boolean;
  abi?: string;
  uv?: string;
  armv?: string;
  libc?: string;
}

function parseTags(file: string): Tags | null {
  const arr = file.split('.');
  if (arr.pop() !== 'node') return null;
  const tags: Tags = { file, specificity: 0 };
  for (const tag of arr) {
    if (tag === 'node' || tag === 'electron' || tag === 'node-webkit') tags.runtime = tag;
    else if (tag === 'napi') tags.napi = true;
    else if (tag.startsWith('abi')) tags.abi = tag.slice(3);
    else if (tag.startsWith('uv')) tags.uv = tag.slice(2);
    else if (tag.startsWith('armv')) tags.armv = tag.slice(4);
    else if (tag === 'glibc' || tag === 'musl') tags.libc = tag;
    else continue;
    tags.specificity++;
  }
  return tags;
}

function matchTags(tags: Tags, t: NgbTarget, abi: string): boolean {
  const runtimeAgnostic = tags.runtime === 'node' && tags.napi;
  if (tags.runtime && tags.runtime !== t.runtime && !runtimeAgnostic) return false;
  if (tags.abi && tags.abi !== abi && !tags.napi) return false;
  if (tags.uv && tags.uv !== t.uv) return false;
  if (tags.armv && tags.armv !== t.armv) return false;
  if (tags.libc && tags.libc !== t.libc) return false;
  return true;
}

/** Precedence: the non-agnostic runtime, abi over napi, then by specificity. */
function compareTags(runtime: string): (a: Tags, b: Tags) => number {
  return (a, b) => {
    if (a.runtime !== b.runtime) return a.runtime === runtime ? -1 : 1;
    if (a.abi !== b.abi) return a.abi ? -1 : 1;
    if (a.specificity !== b.specificity) return a.specificity > b.specificity ? -1 : 1;
    return 0;
  };
}
