// Every rule of spec §5 once: its id, default severity, a one-line summary and the help a person
// reads when a finding shows up in a code-scanning UI. Reports (SARIF's rule list) and docs read
// it; the rules themselves decide severity and message per finding.

import type { RuleId, Severity } from '../model.js';

export interface RuleInfo {
  id: RuleId;
  /** The severity a finding of this rule usually has (some rules grade it per finding). */
  severity: Severity;
  /** One sentence: what was found. */
  summary: string;
  /** A short paragraph: why it breaks and what to change. Plain text that also reads as Markdown. */
  help: string;
}

/** Keyed by RuleId so that the compiler refuses a catalog that misses a rule. */
const RULES: Record<RuleId, Omit<RuleInfo, 'id'>> = {
  'platform-mismatch': {
    severity: 'error',
    summary: "The image's declared platform is not the expected one.",
    help:
      'The image config names another OS, architecture or variant than the platform asked for with `--platform`, so a runtime ' +
      'pulling this tag for that platform gets an image for the wrong CPU. Usually the build ran without `--platform`, or the tag ' +
      'points at a single-platform image instead of an index. Build with `docker buildx build --platform <platforms>` and check the ' +
      'pushed manifest with `docker buildx imagetools inspect`.',
  },
  'arch-mismatch': {
    severity: 'error',
    summary: "A binary's CPU is not the expected platform's (warning for relocatable objects).",
    help:
      'An ELF file was built for another CPU than the image runs on; running or loading it fails with "exec format error" or ' +
      '"wrong ELF class". The usual causes: a `node_modules`, virtualenv or vendor folder built on another machine and copied in, ' +
      'a release asset downloaded with a hard-coded architecture, or a stage built `--platform=$BUILDPLATFORM` whose output is ' +
      'copied into the final image. Install or build such files in a stage that runs for `$TARGETPLATFORM`, or download the asset ' +
      'for `$TARGETARCH`. Relocatable objects (`.o`) are only warnings: they are linked, never run.',
  },
  'abi-mismatch': {
    severity: 'error',
    summary: 'Same CPU, but the wrong word size, byte order or float ABI.',
    help:
      'The CPU family matches but the ABI does not: a big-endian ppc64 binary in a ppc64le image, a soft-float armel binary in ' +
      'an armhf image, an x32 binary in an amd64 image. The loader refuses it or it crashes at the first floating-point call. Use ' +
      "the toolchain or package built for the image's exact ABI (for example `arm-linux-gnueabihf`, not `arm-linux-gnueabi`).",
  },
  'compat-32bit': {
    severity: 'warning',
    summary: 'A 32-bit binary that runs only where the host keeps 32-bit support.',
    help:
      'An i386 binary in an amd64 image, or a 32-bit ARM binary in an arm64 image, runs only on hosts whose CPU and kernel keep ' +
      '32-bit support and only with 32-bit libraries in the image; many arm64 servers have no AArch32 at all. Replace it with a ' +
      '64-bit build.',
  },
  'foreign-format': {
    severity: 'error',
    summary: 'A Mach-O or PE file in a Linux image (info unless executable or a .node addon).',
    help:
      'A macOS (Mach-O) or Windows (PE) binary cannot run or load on Linux. It is an error for `.node` addons and files with an ' +
      'execute bit — something will try to load or run them — and information otherwise. It usually comes from copying a ' +
      '`node_modules` or build folder from a Mac or Windows checkout: install dependencies inside the image build and list such ' +
      'folders in `.dockerignore`.',
  },
  'variant-mismatch': {
    severity: 'error',
    summary: 'Code for a newer CPU variant than the image targets (warning for x86-64 ISA levels).',
    help:
      'The binary needs a newer CPU than the platform promises: ARMv7 code in an arm/v6 image dies with "illegal instruction" on ' +
      'ARMv6 boards; an x86-64-v3 binary in a plain linux/amd64 image does the same on older or some virtual CPUs (a warning, ' +
      'since most current machines have v3). Build with the `-march` of the platform, or publish the image for the variant the ' +
      'code needs.',
  },
  'missing-interpreter': {
    severity: 'error',
    summary: 'The ELF interpreter (dynamic loader) is not in the image.',
    help:
      'The dynamic loader named in the binary (PT_INTERP), followed through symlinks inside the image, does not exist, so running ' +
      'it fails with "not found" although the file is there. Typical: a glibc binary in an Alpine (musl) image, or the reverse. ' +
      "Use a build for the image's C library, or a base image with the C library the binary was linked against.",
  },
  'missing-library': {
    severity: 'error',
    summary: 'A needed shared library is found nowhere on the loader search path.',
    help:
      'A library in DT_NEEDED is not on any path the loader would search (RUNPATH/RPATH with `$ORIGIN`, `LD_LIBRARY_PATH` from the ' +
      'image config, `/etc/ld.so.conf`, the default and multiarch directories). A missing C library or loader is an error — ' +
      'nothing runs — and any other library a warning: loading fails when it is first needed. Install the package that provides ' +
      'it in the final stage, or copy it from the build stage.',
  },
  'missing-symbol-version': {
    severity: 'error',
    summary: "A symbol version the file needs is not defined by the image's copy of the library.",
    help:
      'The file needs a symbol version (`GLIBC_2.34` of `libc.so.6`, `GLIBCXX_3.4.30` of `libstdc++.so.6`, `CXXABI_1.3.13` …) ' +
      'that the library the loader would find in the image does not define, so it fails at start with "version `GLIBC_2.34\' not ' +
      'found". It was built on a newer distribution than the image: a binary from a newer build stage, or a prebuilt addon, ' +
      'copied into an older runtime base. Build it in a stage with the same base as the final image, or use a base whose glibc ' +
      '(or libstdc++6) is at least the version named.',
  },
  'page-size': {
    severity: 'warning',
    summary: 'An arm64 binary aligned below 16 KiB will not load on 16K- or 64K-page kernels.',
    help:
      'The load segments of this arm64 ELF are aligned to less than 16 KiB; kernels built with 16 KiB or 64 KiB pages (Asahi ' +
      "Linux on Apple silicon, newer Android devices, 64K-page server kernels such as RHEL's kernel-64k) refuse to map it. Link " +
      'with `-z max-page-size=65536`, which suits every page size up to 64 KiB.',
  },
  'entrypoint-missing': {
    severity: 'error',
    summary: "The image's entrypoint is not in the image.",
    help:
      "The config's Entrypoint (or Cmd when there is none), resolved with the config's PATH and through symlinks, does not exist " +
      'in the image, so every container start fails. Check the COPY destination, the PATH in the config and the final stage.',
  },
  'entrypoint-mismatch': {
    severity: 'error',
    summary: 'The entrypoint binary, or its script interpreter, is foreign.',
    help:
      'The binary the container starts with — or the interpreter of its `#!` script — is built for another platform, so every ' +
      'container start fails with "exec format error". Fix it as an arch-mismatch: build or download it for `$TARGETPLATFORM`.',
  },
  'mislabeled-image': {
    severity: 'error',
    summary: "The declared platform disagrees with most of the image's binaries.",
    help:
      'Most binaries in the image are for another platform than its config declares: the image was built for one platform and ' +
      'labeled as another (a base image that ignored `--platform`, a manifest list assembled by hand). Rebuild it for the ' +
      'declared platform.',
  },
  'missing-platform': {
    severity: 'error',
    summary: 'An image index lacks a required platform.',
    help:
      'The image index (multi-platform manifest list) has no image for a platform named with `--require-platforms`, so that ' +
      'platform falls back to another image or fails to pull. Add it to `docker buildx build --platform`.',
  },
  'missing-platform-package': {
    severity: 'error',
    summary: "A package's loader needs a per-platform package that is not installed.",
    help:
      'The package loads its native code from one of its optionalDependencies, one per platform (rollup, esbuild, swc, sharp, ' +
      'lightningcss, biome, turbo, @napi-rs/*), and none is installed, so it throws "Cannot find module" for the package the ' +
      "target needs. npm's optional-dependency lockfile bug (npm/cli#4828: a lockfile written on another platform) or an install " +
      'with `--omit=optional` does this. Run `npm ci` inside the build stage of the target platform without `--omit=optional`, or ' +
      'install the package the message names, or use `npm install --os= --cpu= --libc=` for the target.',
  },
  'missing-native-build': {
    severity: 'warning',
    summary: 'A package ships prebuilds for other platforms only, and no build of its own.',
    help:
      'node-gyp-build loads `build/Release/*.node` or the prebuild under `prebuilds/<platform>-<arch>/` that matches the running ' +
      'platform, CPU, C library and Node ABI. This package has neither for the target, so loading it throws "No native build was ' +
      'found" (some packages then fall back to a slower JavaScript implementation). Build it from source in the target build stage ' +
      '(a compiler and `npm rebuild`), or use a version that publishes a prebuild for the target.',
  },
  'by-design': {
    severity: 'info',
    summary: 'A foreign binary that belongs there: never loaded on the target (firmware, GPU code, other prebuilds, ignored paths).',
    help:
      "A binary the target's loaders never load, so it cannot fail there: code for a GPU, accelerator or the kernel's BPF, a " +
      "file a distribution package of the image's own or no architecture installed (firmware, ROMs, boot loader modules, cross " +
      'sysroots, Wine), another platform\'s prebuild or per-platform npm package next to the one the target loads — or a path ' +
      'matched by `--ignore`. Listed for the record; nothing to change.',
  },
  'unreadable-binary': {
    severity: 'info',
    summary: 'A binary whose headers cannot be parsed; it was not checked.',
    help:
      'The file starts like an ELF, Mach-O or PE binary but its headers do not parse, so its platform is unknown and it was not ' +
      'checked. A real binary in this state is truncated or corrupt; often it is a test fixture or a file that only starts with ' +
      'the same magic bytes.',
  },
};

export const RULE_CATALOG: readonly RuleInfo[] = Object.entries(RULES).map(([id, info]) => ({ id: id as RuleId, ...info }));
