// Image references parsed the way Docker parses them (distribution/reference): users type what
// they would give `docker pull`, and must get the same registry, repository and tag — and the
// decision, for a source that is no existing path, whether it names an image or a mistyped path.

import { statSync } from 'node:fs';

import { ElfscanError } from '../../errors.js';
import { isValidDigest } from '../../digest.js';

export interface Reference {
  /** The registry as Docker names it: "docker.io", "ghcr.io", "127.0.0.1:5000". */
  domain: string;
  /** host[:port] requests go to: "registry-1.docker.io" for Docker Hub, else the domain. */
  host: string;
  /** "library/node", "team/api". */
  repository: string;
  /** The tag, "latest" when neither tag nor digest is given; null for a digest-only reference. */
  tag: string | null;
  digest: string | null;
  /** Normalized, as reports and messages show it: "docker.io/library/node:20". */
  name: string;
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_HOST = 'registry-1.docker.io';
const NAME_MAX = 255;

// The grammar of distribution/reference/regexp.go.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^((?:${DOMAIN})/(?:${PATH_COMPONENT})(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const DOMAIN_ONLY = new RegExp(`^${DOMAIN}$`);
const HEX64 = /^[a-f0-9]{64}$/;

/** Parses a reference ("node:20", "docker://ghcr.io/o/r@sha256:…"); throws ElfscanError when malformed. */
export function parseReference(input: string): Reference {
  const where = redactSource(input);
  const s = input.startsWith('docker://') ? input.slice('docker://'.length) : input;
  const bad = (why: string) => new ElfscanError(where, `is not a valid image reference (${why})`);
  if (s === '') throw bad('it is empty');
  if (HEX64.test(s)) throw bad('a 64-character hex string names an image ID, not a repository');
  const [domain, rest] = splitDomain(s);
  const repoPart = rest.split(':')[0]!; // as Docker checks it: the tag may hold capitals
  if (repoPart.toLowerCase() !== repoPart) throw bad('the repository name must be lowercase');
  if (!DOMAIN_ONLY.test(domain)) throw bad(`"${domain}" is not a registry host`);
  const m = REFERENCE.exec(`${domain}/${rest}`);
  if (!m) throw bad('expected [registry/]repository[:tag][@digest]');
  const [, fullName, tag, digest] = m;
  if (fullName!.length > NAME_MAX) throw bad(`the name is longer than ${NAME_MAX} characters`);
  if (digest !== undefined && !isValidDigest(digest)) throw bad(`${digest.slice(0, 80)} is not a sha256 or sha512 digest`);
  const repository = fullName!.slice(domain.length + 1);
  const theTag = tag ?? (digest ? null : 'latest');
  const name = `${domain}/${repository}${theTag ? `:${theTag}` : ''}${digest ? `@${digest}` : ''}`;
  return { domain, host: domain === DOCKER_HUB ? DOCKER_HUB_HOST : domain, repository, tag: theTag, digest: digest ?? null, name };
}

/** Docker's splitDockerDomain: the first component is a registry only if it looks like a host. */
function splitDomain(s: string): [string, string] {
  const i = s.indexOf('/');
  const first = i < 0 ? '' : s.slice(0, i);
  let domain: string;
  let rest: string;
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DOCKER_HUB;
    rest = s;
  } else {
    domain = first;
    rest = s.slice(i + 1);
  }
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !rest.includes('/')) rest = `library/${rest}`;
  return [domain, rest];
}

/** Names that are certainly files: a path prefix, a Windows separator, or an archive suffix with no tag or digest. */
const PATH_LIKE = /^(?:\/|\.\.?(?:\/|$)|~)|\\/;
const ARCHIVE_SUFFIX = /\.(?:tar(?:\.[a-z0-9]+)?|tgz|tzst|gz|zst)$/i;

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The local folder a Docker Hub-looking name starts with (`build` of `build/image`), when there is
 * one: the name is then a mistyped path inside it, not the image of a Docker Hub user who happens
 * to share the folder's name. A name with a registry host (`docker.io/…`, `ghcr.io/…`) never is.
 */
function localFolderOf(source: string, isDir: (path: string) => boolean): string | null {
  const slash = source.indexOf('/');
  if (slash <= 0) return null;
  const first = source.slice(0, slash);
  if (/[.:]/.test(first) || first === 'localhost') return null;
  return isDir(first) ? first : null;
}

/**
 * Whether a source that is not an existing local path should be fetched from a registry.
 * "docker://" always means a registry; "./x", "/x", "~/x", "C:\\x", "image.tar" and "build/image"
 * (where ./build is a folder) never do: they are a mistyped path, and a request to Docker Hub
 * would only hide that. `isDir` is for tests.
 */
export function looksLikeReference(source: string, isDir: (path: string) => boolean = isDirectory): boolean {
  if (source.startsWith('docker://')) return true;
  if (PATH_LIKE.test(source) || ARCHIVE_SUFFIX.test(source) || localFolderOf(source, isDir) !== null) return false;
  try {
    parseReference(source);
    return true;
  } catch {
    return false;
  }
}

/** The sentence for a source that is neither an existing path nor a registry reference. */
export function noSuchPath(source: string, isDir: (path: string) => boolean = isDirectory): string {
  const folder = localFolderOf(source, isDir);
  if (folder === null || !looksLikeReference(`docker.io/${source}`)) return 'no such file or directory';
  return `no such file or directory (read as a path because ./${folder} is a folder here; for the Docker Hub image write docker.io/${source})`;
}

/** A source as messages may show it: anything that looks like "user:password@" is dropped. */
export function redactSource(source: string): string {
  return source.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@\s]*:[^/@\s]*@(?=[^/]*\/)/i, '$1');
}

/** Docker treats 127.0.0.0/8, ::1 and localhost as insecure registries by default. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
