// require-addon's resolver on Node (holepunch's sodium-native, udx-native…: require-addon 1.x,
// bare-addon-resolve's directory()), ported to a listing of the image: in `prebuilds/` of the
// package folder and then of each folder above it, `<host>/<name>@<version>.node`, then
// `<host>/<name>.node`, where host is `<platform>-<arch>`, with `-musl` when /etc/alpine-release
// exists, and name the package name with `/` as `__` and no `@`. The first that exists is
// loaded; with none, require.addon() throws ADDON_NOT_FOUND. (darwin's `universal` folders and
// linked frameworks do not matter on Linux.)

import type { Listing, NgbTarget } from './node-gyp-build.js';

export function requireAddonResolve(list: Listing, dir: string, name: string, version: string | null, t: NgbTarget): string[] {
  const host = `${t.platform}-${t.arch}${t.platform === 'linux' && t.libc === 'musl' ? '-musl' : ''}`;
  const base = name.replace(/\//g, '__').replace(/^@/, '');
  const files = [...(version ? [`${base}@${version}.node`] : []), `${base}.node`];
  for (let scope = dir; ; scope = scope.slice(0, scope.lastIndexOf('/')) || '/') {
    const folder = `${scope === '/' ? '' : scope}/prebuilds/${host}`;
    const names = list(folder);
    const hit = files.find((f) => names.includes(f));
    if (hit) return [`${folder}/${hit}`];
    if (scope === '/') return [];
  }
}
