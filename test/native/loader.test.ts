// The addon loader, played on other machines through a fake environment: the file it picks for
// each platform, and the one sentence a user gets when the build is missing, foreign or stale.

import { describe, expect, it } from 'vitest';

import { ElfscanError } from '../../src/errors.js';
import { addonFileName, loadAddon, nativeInfo, type Host, type LoaderEnv } from '../../src/native.js';

const host = (platform: string, arch: string, glibc = true): Host => ({ platform, arch, isGlibc: () => glibc });

function fakeEnv(h: Host, files: Record<string, unknown>, loadError?: Error): LoaderEnv {
  return {
    host: h,
    dir: '/pkg/native',
    exists: (p) => p.slice('/pkg/native/'.length) in files,
    list: () => Object.keys(files),
    load: (p) => {
      if (loadError) throw loadError;
      return files[p.slice('/pkg/native/'.length)];
    },
  };
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ElfscanError);
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}

const goodAddon = { inspect: () => ({ status: 'not-binary' }), interfaceVersion: 2 };

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

  it('says how to build it when it is missing', () => {
    expect(messageOf(() => loadAddon(fakeEnv(host('linux', 'x64'), {})))).toBe(
      'elfscan: the native addon native/elfscan.linux-x64-gnu.node is missing; build it with `npm run build:native`',
    );
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
      'elfscan: the native addon native/elfscan.linux-x64-gnu.node could not be loaded (/pkg/native/elfscan.linux-x64-gnu.node: invalid ELF header); rebuild it on this machine with `npm run build:native`',
    );
  });

  it('refuses a build from older sources', () => {
    const env = fakeEnv(host('linux', 'x64'), { 'elfscan.linux-x64-gnu.node': { inspect() {}, interfaceVersion: 0 } });
    expect(messageOf(() => loadAddon(env))).toMatch(/is out of date \(interface 0, expected 2\); rebuild it with `npm run build:native`$/);
  });

  it('finds the real addon next to the package on this machine', () => {
    expect(nativeInfo.path).toMatch(/[/\\]native[/\\]elfscan\.[a-z0-9-]+\.node$/);
  });
});
