// The addon loader, played on other machines through a fake environment: the file it picks for
// each platform, and the one sentence a user gets when the build is missing, foreign or stale.

import { describe, expect, it } from 'vitest';

import { ElfscanError } from '../../src/errors.js';
import { addonFileName, loadAddon, nativeInfo, type Host, type LoaderEnv } from '../../src/native.js';
import { thrownMessage } from '../helpers/thrown.js';

const host = (platform: string, arch: string, glibc = true): Host => ({ platform, arch, isGlibc: () => glibc });

/** `files` are in native/; `packages` are installed npm packages (name → their files). */
function fakeEnv(h: Host, files: Record<string, unknown>, loadError?: Error, packages: Record<string, Record<string, unknown>> = {}): LoaderEnv {
  const lookup = (p: string): [boolean, unknown] => {
    if (p.startsWith('/pkg/native/')) {
      const f = p.slice('/pkg/native/'.length);
      return [f in files, files[f]];
    }
    const m = /^\/node_modules\/([^/]+)\/(.+)$/.exec(p);
    const pkg = m ? packages[m[1]!] : undefined;
    return pkg && m ? [m[2]! in pkg, pkg[m[2]!]] : [false, undefined];
  };
  return {
    host: h,
    dir: '/pkg/native',
    exists: (p) => lookup(p)[0],
    list: () => Object.keys(files),
    load: (p) => {
      if (loadError) throw loadError;
      return lookup(p)[1];
    },
    packageDir: (name) => (name in packages ? `/node_modules/${name}` : null),
  };
}

const messageOf = (f: () => unknown): string => thrownMessage(f, ElfscanError);

const goodAddon = { inspect: () => ({ status: 'not-binary' }), interfaceVersion: 10 };

describe('addon file names (napi-rs --platform naming)', () => {
  it.each([
    [host('linux', 'x64'), 'elfscan.linux-x64-gnu.node'],
    [host('linux', 'x64', false), 'elfscan.linux-x64-musl.node'],
    [host('linux', 'arm64'), 'elfscan.linux-arm64-gnu.node'],
    [host('linux', 'arm'), 'elfscan.linux-arm-gnueabihf.node'],
    [host('linux', 'arm', false), 'elfscan.linux-arm-musleabihf.node'],
    [host('darwin', 'arm64'), 'elfscan.darwin-arm64.node'],
    [host('win32', 'x64'), 'elfscan.win32-x64-msvc.node'],
    [host('freebsd', 'x64'), 'elfscan.freebsd-x64.node'],
  ])('%o → %s', (h, name) => {
    expect(addonFileName(h)).toBe(name);
  });

  it('asks about glibc only on Linux', () => {
    const h: Host = { platform: 'darwin', arch: 'x64', isGlibc: () => { throw new Error('asked'); } };
    expect(addonFileName(h)).toBe('elfscan.darwin-x64.node');
  });
});

describe('loading the addon', () => {
  it('loads the file for this host and reports where from', () => {
    const { addon, path } = loadAddon(fakeEnv(host('linux', 'arm64'), { 'elfscan.linux-arm64-gnu.node': goodAddon }));
    expect(path).toBe('/pkg/native/elfscan.linux-arm64-gnu.node');
    expect(addon).toBe(goodAddon);
  });

  it('says how to get it when it is missing', () => {
    expect(messageOf(() => loadAddon(fakeEnv(host('linux', 'x64'), {})))).toBe(
      'elfscan: the native addon for linux-x64-gnu is missing: install without --omit=optional (it is elfscan-linux-x64-gnu), or run `npm run build:native` in a source checkout',
    );
  });

  it('loads it from the elfscan-<triple> optional dependency an npm install brings', () => {
    const env = fakeEnv(host('linux', 'arm64', false), {}, undefined, { 'elfscan-linux-arm64-musl': { 'elfscan.linux-arm64-musl.node': goodAddon } });
    const { addon, path } = loadAddon(env);
    expect(path).toBe('/node_modules/elfscan-linux-arm64-musl/elfscan.linux-arm64-musl.node');
    expect(addon).toBe(goodAddon);
  });

  it('prefers a local build in native/ over the installed package', () => {
    const local = { ...goodAddon };
    const env = fakeEnv(host('linux', 'x64'), { 'elfscan.linux-x64-gnu.node': local }, undefined, { 'elfscan-linux-x64-gnu': { 'elfscan.linux-x64-gnu.node': goodAddon } });
    expect(loadAddon(env).addon).toBe(local);
  });

  it('does not take another platform\'s package (npm installs only the matching one, but a copied node_modules may hold others)', () => {
    const env = fakeEnv(host('linux', 'x64'), {}, undefined, { 'elfscan-linux-arm64-gnu': { 'elfscan.linux-arm64-gnu.node': goodAddon } });
    expect(messageOf(() => loadAddon(env))).toMatch(/the native addon for linux-x64-gnu is missing/);
  });

  it('names the platform it was built for when that is another one', () => {
    const env = fakeEnv(host('linux', 'x64', false), { 'elfscan.darwin-arm64.node': goodAddon, 'README.md': '' });
    expect(messageOf(() => loadAddon(env))).toBe(
      'elfscan: the native addon was built for darwin-arm64, but this machine needs native/elfscan.linux-x64-musl.node; build it here with `npm run build:native`',
    );
  });

  it('says it could not be loaded when the file is there but foreign', () => {
    const env = fakeEnv(
      host('linux', 'x64'),
      { 'elfscan.linux-x64-gnu.node': null },
      new Error('/pkg/native/elfscan.linux-x64-gnu.node: invalid ELF header\n    at Module._extensions..node'),
    );
    expect(messageOf(() => loadAddon(env))).toBe(
      'elfscan: the native addon native/elfscan.linux-x64-gnu.node could not be loaded (invalid ELF header); rebuild it on this machine with `npm run build:native`',
    );
  });

  it('says which Node it needs when this one exports no zstd to the addon (Node 20)', () => {
    const env = fakeEnv(
      host('linux', 'x64'),
      { 'elfscan.linux-x64-gnu.node': null },
      new Error('/pkg/native/elfscan.linux-x64-gnu.node: undefined symbol: ZSTD_getErrorName'),
    );
    expect(messageOf(() => loadAddon(env))).toBe(
      `elfscan: needs Node 22.15 or later, whose zstd the native addon decodes layers with (this is Node ${process.version})`,
    );
  });

  it('refuses a build from older sources', () => {
    const env = fakeEnv(host('linux', 'x64'), { 'elfscan.linux-x64-gnu.node': { inspect() {}, interfaceVersion: 0 } });
    expect(messageOf(() => loadAddon(env))).toMatch(/is out of date \(interface 0, expected 10\); rebuild it with `npm run build:native`$/);
  });

  it('finds the real addon next to the package on this machine', () => {
    expect(nativeInfo.path).toMatch(/[/\\]native[/\\]elfscan\.[a-z0-9-]+\.node$/);
  });
});
