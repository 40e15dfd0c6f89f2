// The types every stage of the pipeline shares: what the native classifier says about a file,
// what a layer contributes, what the overlay leaves, and the report of spec §8. Kept in one
// place so that a stage's inputs and outputs can be read without opening the stage.

/** What the native addon learned from a file's head bytes (see native/src/node/values.rs). */
export interface BinaryFacts {
  format: 'elf' | 'macho' | 'pe';
  /** e_machine for ELF, cputype for Mach-O, COFF Machine for PE; 0 for a fat Mach-O. */
  machine: number;
  /** Human CPU name: "x86-64", "AArch64", "ARM", "Intel 80386", "PowerPC64", "BPF"… */
  cpu: string;
  bits: 32 | 64;
  endian: 'little' | 'big';
  kind: 'executable' | 'shared-library' | 'relocatable' | 'core' | 'other';
  /** ELF EI_OSABI (0 for Mach-O/PE). */
  osabi: number;
  /** ELF e_flags (Mach-O cpusubtype, PE Characteristics). */
  flags: number;
  /** ARM EABI version from e_flags (ELF EM_ARM only), else null. */
  eabi: number | null;
  /** ARM float ABI (ELF EM_ARM only), else null. "unknown" is never a finding. */
  floatAbi: 'hard' | 'soft' | 'unknown' | null;
  /** PT_INTERP, when present and inside the bytes given. */
  interpreter: string | null;
  /** Spec §3 platform: "linux/amd64", "linux/arm/v5", "macho/arm64", "pe/amd64", "elf/bpf"… */
  platform: string;
  /** Every slice of a fat Mach-O (empty otherwise). */
  slices: BinaryFacts[];
  /*
   * ELF only (absent for Mach-O and PE). Read past the headers from ranges the streaming side
   * kept (docs/native.md); null means unknown — not at hand within the per-file caps, or not
   * readable — and an unknown fact is never a finding.
   */
  /** x86-64 ISA level 1–4 from GNU_PROPERTY_X86_ISA_1_NEEDED; null without the note. */
  isaLevel?: number | null;
  /** ARM `.ARM.attributes` Tag_CPU_arch. */
  armArch?: number | null;
  /** DT_NEEDED in order; [] for a file without PT_DYNAMIC. */
  needed?: string[] | null;
  soname?: string | null;
  /** DT_RPATH / DT_RUNPATH as written: colon-separated, `$ORIGIN` unexpanded. */
  rpath?: string | null;
  runpath?: string | null;
  /** Smallest p_align of the PT_LOAD segments (page-size rule). */
  loadAlign?: number | null;
  /** DT_VERNEED: per library, the symbol versions needed ([] without DT_VERNEED). */
  versionsNeeded?: VersionNeed[] | null;
  /** DT_VERDEF's version names, the file's own base entry left out ([] without DT_VERDEF: the loader then checks nothing). */
  versionsDefined?: string[] | null;
}

/** The symbol versions a file needs from one library (one DT_VERNEED record). */
export interface VersionNeed {
  /** The library as DT_NEEDED names it: "libc.so.6". */
  library: string;
  /** Versions the loader insists on: "GLIBC_2.34". */
  versions: string[];
  /** Versions whose every reference is weak (VER_FLG_WEAK): the loader starts the program without them. */
  weak: string[];
}

/** A range of a file the classifier would like to read: [offset, offset + length). */
export interface WantedRange {
  offset: number;
  length: number;
}

/** The addon's answer for one file's head. */
export type Classification =
  /** `wants`: ranges that would complete the facts (ELF only; see native.ts inspect()). */
  | { status: 'binary'; facts: BinaryFacts; wants?: WantedRange[] }
  /** A binary whose header could not be parsed; the scan goes on and reports it as info. */
  | { status: 'unreadable'; format: 'elf' | 'macho' | 'pe'; reason: string }
  /** The answer needs the first `bytes` bytes of the file; call again with at least that many. */
  | { status: 'need-more'; bytes: number }
  | { status: 'not-binary' };

/** One entry of one layer, after tar decoding and path normalization. */
export interface LayerEntry {
  /** Absolute, normalized: "/usr/lib/x.so". For whiteouts: the path deleted; for opaque markers: the directory. */
  path: string;
  type: 'file' | 'hardlink' | 'symlink' | 'directory' | 'whiteout' | 'opaque' | 'other';
  /** hardlink: normalized absolute target path; symlink: the raw link text. */
  target?: string;
  size: number;
  mode: number;
  /** Regular files only; for hard links, filled by the overlay from the link's target. */
  facts?: BinaryFacts | null;
  unreadable?: { format: 'elf' | 'macho' | 'pe'; reason: string } | null;
  /** First line of a file that starts with "#!" (for entrypoint checks), else undefined. */
  shebang?: string;
}

/** A layer's contribution, in tar order, plus where it came from. */
export interface LayerIndex {
  /** Digest as the manifest names it (diff_id for legacy archives), or null. */
  digest: string | null;
  /** Whiteouts and opaque markers, in tar order: few, and applied before the entries. */
  deletions: LayerEntry[];
  /** Every other entry, in tar order. May be a view that builds its objects afresh on each pass: do not hold on to them. */
  entries: Iterable<LayerEntry>;
  /** [path, text] of each file whose whole text the walker kept, in tar order. */
  texts: [string, string][];
  /** Bytes read from the source for this layer (compressed size as stored). */
  bytesRead: number;
}

/** A file of the final filesystem. */
export interface FinalFile {
  path: string;
  type: 'file' | 'symlink' | 'directory' | 'other';
  target?: string;
  size: number;
  mode: number;
  facts: BinaryFacts | null;
  unreadable: { format: 'elf' | 'macho' | 'pe'; reason: string } | null;
  shebang?: string;
  /** Index into the image's layers of the layer that provided the file. */
  layer: number;
}

export type Severity = 'error' | 'warning' | 'info';

export type RuleId =
  | 'platform-mismatch'
  | 'arch-mismatch'
  | 'abi-mismatch'
  | 'compat-32bit'
  | 'foreign-format'
  | 'variant-mismatch'
  | 'missing-interpreter'
  | 'missing-library'
  | 'missing-symbol-version'
  | 'page-size'
  | 'entrypoint-missing'
  | 'entrypoint-mismatch'
  | 'mislabeled-image'
  | 'missing-platform'
  | 'missing-platform-package'
  | 'missing-native-build'
  | 'by-design'
  | 'unreadable-binary';

/** The package that owns a file (spec §5.1): an npm package, a dpkg or apk package. */
export interface PackageRef {
  ecosystem: 'npm' | 'deb' | 'apk' | 'pypi';
  name: string;
  version: string | null;
  /** deb/apk: the package's Architecture (`amd64`, `all`, `x86_64`, `noarch`); npm: its `cpu` list, comma-joined; else null. */
  arch: string | null;
}

export interface Finding {
  severity: Severity;
  rule: RuleId;
  path: string | null;
  layer: string | null;
  found: string | null;
  expected: string | null;
  message: string;
  /** Present when a package owns the file (or is the package folder the finding is about). */
  package?: PackageRef;
}

export interface BinaryRecord {
  path: string;
  layer: string | null;
  format: 'elf' | 'macho' | 'pe';
  platform: string;
  machine: string;
  bits: 32 | 64;
  endian: 'little' | 'big';
  kind: BinaryFacts['kind'];
  interpreter: string | null;
  /** ELF facts the rules read (null when unknown or not ELF). */
  isaLevel: number | null;
  armArch: number | null;
  floatAbi: BinaryFacts['floatAbi'];
  needed: string[] | null;
  loadAlign: number | null;
  /** Newest GLIBC_x.y the file needs ("2.34"); null when it needs none or its needs are unknown. */
  needsGlibc: string | null;
  /** Newest GLIBCXX_x.y.z it needs from libstdc++ ("3.4.30"); null likewise. */
  needsGlibcxx: string | null;
}

/** The image's C library: flavour and version, when the image has one. */
export interface LibcInfo {
  flavor: 'glibc' | 'musl';
  /** The release its package (dpkg's libc6 or musl, apk's musl) names ("2.36", "1.2.3"); without one, glibc's newest GLIBC_x.y its libc.so.6 defines; null when unknown. */
  version: string | null;
}

export interface ImageReport {
  ref: string | null;
  manifestDigest: string | null;
  platform: { declared: string | null; expected: string | null };
  stats: { layers: number; files: number; binaries: number; bytesRead: number };
  /** The C library the loader would load (null without one). */
  libc: LibcInfo | null;
  findings: Finding[];
  binaries?: BinaryRecord[];
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'elfscan'; version: string };
  source: string;
  images: ImageReport[];
  summary: { images: number; errors: number; warnings: number; infos: number };
}

/** The parts of an image config (OCI / Docker) the rules read. */
export interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  config?: {
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Env?: string[] | null;
    WorkingDir?: string;
  };
  rootfs?: { type?: string; diff_ids?: string[] };
}
