// The Node.js that would run in the image, as the loaders see it: what node-gyp-build reads from
// process.* and the environment (platform, arch, libc, armv, ABI, uv, runtime), and what npm
// compares os/cpu/libc with. The platform and CPU come from the target platform, never the host;
// the ABI from the image's own Node when one is found — NODE_MODULE_VERSION in the
// node_version.h next to it (the official images keep /usr/local/include/node), or the soname of
// Debian's libnode.so.<ABI> it links — and is unknown otherwise (docs/rules.md).

import type { ImageConfig } from '../../model.js';
import type { FileTree } from '../../overlay/file-tree.js';
import type { Platform } from '../../platform.js';
import type { KeptTexts } from '../context.js';
import { DEFAULT_PATH, configEnv, imageLibc } from '../image-facts.js';
import type { NgbTarget } from './node-gyp-build.js';
import type { NpmEnv } from './npm-packages.js';

/** OCI architecture → Node's process.arch. */
const NODE_ARCH: ReadonlyMap<string, string> = new Map([
  ['amd64', 'x64'], ['arm64', 'arm64'], ['arm', 'arm'], ['386', 'ia32'], ['ppc64le', 'ppc64'], ['ppc64', 'ppc64'], ['s390x', 's390x'],
  ['riscv64', 'riscv64'], ['loong64', 'loong64'], ['mips64le', 'mips64el'], ['mipsle', 'mipsel'],
]);

export function nodeArch(p: Platform): string | null {
  return NODE_ARCH.get(p.arch) ?? null;
}

export interface NodeRuntime {
  ngb: NgbTarget;
  npm: NpmEnv;
  /** The image's node binary, if PATH has one. */
  nodePath: string | null;
  /** /etc/alpine-release exists: node-gyp-build's and require-addon's musl test. */
  alpine: boolean;
}

export function nodeRuntime(tree: FileTree, config: ImageConfig, texts: KeptTexts | undefined, target: Platform): NodeRuntime {
  const env = (name: string) => configEnv(config, name);
  const node = findNode(tree, config);
  const interp = node?.facts?.interpreter ?? '';
  // The C library the running Node links decides rollup's, sharp's, detect-libc's choice; npm's too.
  const libc = /ld-musl-/.test(interp) ? 'musl' : /ld-linux|ld64\.so|\/ld\.so/.test(interp) ? 'glibc' : imageLibc(tree);
  const arch = env('npm_config_arch') ?? nodeArch(target) ?? target.arch;
  const platform = env('npm_config_platform') ?? target.os;
  const alpine = platform === 'linux' && tree.resolve('/etc/alpine-release') !== undefined;
  return {
    ngb: {
      platform,
      arch,
      // node-gyp-build's isAlpine(): musl exactly when /etc/alpine-release exists.
      libc: env('LIBC') ?? (alpine ? 'musl' : 'glibc'),
      armv: env('ARM_VERSION') ?? (arch === 'arm64' ? '8' : arch === 'arm' ? (target.variant?.replace(/^v/, '') ?? '7') : ''),
      abi: node ? nodeAbi(tree, node.path, texts) : null,
      // libuv's major has been 1 since 2014.
      uv: '1',
      runtime: env('ELECTRON_RUN_AS_NODE') ? 'electron' : 'node',
      prebuildsOnly: Boolean(env('PREBUILDS_ONLY')),
    },
    npm: { os: target.os, cpu: nodeArch(target) ?? target.arch, libc: target.os === 'linux' ? libc : null },
    nodePath: node?.path ?? null,
    alpine,
  };
}

/** `node` on the config's PATH, as the shell finds it. */
function findNode(tree: FileTree, config: ImageConfig) {
  for (const dir of (configEnv(config, 'PATH') ?? DEFAULT_PATH).split(':')) {
    if (!dir.startsWith('/')) continue;
    const f = tree.resolve(`${dir.replace(/\/$/, '')}/node`);
    if (f?.type === 'file' && f.facts) return f;
  }
  return undefined;
}

/** NODE_MODULE_VERSION of the Node at `nodePath`: its installation's node_version.h, or Debian's libnode soname. */
function nodeAbi(tree: FileTree, nodePath: string, texts: KeptTexts | undefined): string | null {
  const bin = nodePath.lastIndexOf('/bin/');
  const prefix = bin >= 0 ? nodePath.slice(0, bin) : nodePath.slice(0, nodePath.lastIndexOf('/'));
  for (const header of [`${prefix}/include/node/node_version.h`, '/usr/include/node/node_version.h', '/usr/include/nodejs/node_version.h']) {
    const m = /^#define NODE_MODULE_VERSION (\d+)/m.exec(texts?.text(header) ?? '');
    if (m) return m[1]!;
  }
  const libnode = tree.resolve(nodePath)?.facts?.needed?.map((n) => /^libnode\.so\.(\d+)$/.exec(n)?.[1]).find(Boolean);
  return libnode ?? null;
}
