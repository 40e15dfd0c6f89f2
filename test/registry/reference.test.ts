// Reference parsing as Docker does it (distribution/reference's normalize), and the rule that
// decides whether a source that is not a local path names a registry image at all.

import { describe, expect, it } from 'vitest';
import { isLoopback, looksLikeReference, noSuchPath, parseReference, redactSource } from '../../src/sources/registry/reference.js';

const D = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  const cases: [input: string, domain: string, host: string, repository: string, tag: string | null, digest: string | null, name: string][] = [
    ['node:20', 'docker.io', 'registry-1.docker.io', 'library/node', '20', null, 'docker.io/library/node:20'],
    ['node', 'docker.io', 'registry-1.docker.io', 'library/node', 'latest', null, 'docker.io/library/node:latest'],
    ['bitnami/redis:7.2', 'docker.io', 'registry-1.docker.io', 'bitnami/redis', '7.2', null, 'docker.io/bitnami/redis:7.2'],
    ['docker.io/node', 'docker.io', 'registry-1.docker.io', 'library/node', 'latest', null, 'docker.io/library/node:latest'],
    ['index.docker.io/library/node:20', 'docker.io', 'registry-1.docker.io', 'library/node', '20', null, 'docker.io/library/node:20'],
    ['docker://node:20', 'docker.io', 'registry-1.docker.io', 'library/node', '20', null, 'docker.io/library/node:20'],
    ['registry.example.com/team/api:1.4.0', 'registry.example.com', 'registry.example.com', 'team/api', '1.4.0', null, 'registry.example.com/team/api:1.4.0'],
    ['localhost/api', 'localhost', 'localhost', 'api', 'latest', null, 'localhost/api:latest'],
    ['localhost:5000/a/b/c:v1', 'localhost:5000', 'localhost:5000', 'a/b/c', 'v1', null, 'localhost:5000/a/b/c:v1'],
    ['127.0.0.1:5000/api', '127.0.0.1:5000', '127.0.0.1:5000', 'api', 'latest', null, '127.0.0.1:5000/api:latest'],
    ['[::1]:5000/api:x', '[::1]:5000', '[::1]:5000', 'api', 'x', null, '[::1]:5000/api:x'],
    ['Registry:5000/api', 'Registry:5000', 'Registry:5000', 'api', 'latest', null, 'Registry:5000/api:latest'],
    ['MyHost/api', 'MyHost', 'MyHost', 'api', 'latest', null, 'MyHost/api:latest'], // uppercase first part: a host
    [`ghcr.io/o/r@${D}`, 'ghcr.io', 'ghcr.io', 'o/r', null, D, `ghcr.io/o/r@${D}`],
    [`ghcr.io/o/r:v1@${D}`, 'ghcr.io', 'ghcr.io', 'o/r', 'v1', D, `ghcr.io/o/r:v1@${D}`],
    ['a/b__c-d--e.f_g:T_1.x-y', 'docker.io', 'registry-1.docker.io', 'a/b__c-d--e.f_g', 'T_1.x-y', null, 'docker.io/a/b__c-d--e.f_g:T_1.x-y'],
  ];
  for (const [input, domain, host, repository, tag, digest, name] of cases) {
    it(`${input} → ${name}`, () => {
      expect(parseReference(input)).toEqual({ domain, host, repository, tag, digest, name });
    });
  }

  const bad: [input: string, why: RegExp][] = [
    ['', /empty/],
    ['docker://', /empty/],
    ['Node:20', /lowercase/],
    ['team/API', /lowercase/],
    ['a'.repeat(64), /image ID/],
    ['node:-bad', /expected/],
    ['node:' + 'x'.repeat(129), /expected/],
    ['a//b', /expected/],
    ['a/b/', /expected/],
    ['-a/b', /expected/],
    ['a__-b', /expected/],
    ['host:port/x', /not a registry host/],
    [`node@sha256:${'ab'.repeat(31)}`, /not a sha256 or sha512 digest/], // too short for sha256
    [`node@md5:${'ab'.repeat(16)}`, /not a sha256 or sha512 digest/],
    [`node@sha256:${'AB'.repeat(32)}`, /not a sha256 or sha512 digest/],
    [`node@sha256:../../${'a'.repeat(58)}`, /not a valid image reference/],
    [`registry.example.com/${'a/'.repeat(130)}x`, /longer than 255/],
  ];
  for (const [input, why] of bad) {
    it(`refuses ${JSON.stringify(input.slice(0, 40))}`, () => {
      expect(() => parseReference(input)).toThrowError(why);
    });
  }

  it('never shows credentials someone typed into the reference', () => {
    expect(() => parseReference('docker://user:hunter2@registry.example.com/api')).toThrowError(/^docker:\/\/registry\.example\.com\/api: /);
    expect(redactSource('user:pw@host/x:1')).toBe('host/x:1');
    expect(redactSource(`node:20@${D}`)).toBe(`node:20@${D}`);
    expect(redactSource(`host:5000/x:1@${D}`)).toBe(`host:5000/x:1@${D}`);
  });
});

describe('looksLikeReference (for sources that are not existing paths)', () => {
  it.each(['node:20', 'ubuntu', 'registry.example.com/team/api:1.4.0', 'docker://anything/x', `x@${D}`, 'localhost:5000/a', 'image.tar:1'])('%s is a reference', (s) => {
    expect(looksLikeReference(s)).toBe(true);
  });
  it.each(['/no/such/image.tar', './image', '../x', '.', '~/img', 'image.tar', 'dir/image.tar.gz', 'x.tgz', 'img.tar.zst', 'out/x.tar.xz', 'Images/Foo', 'a b', 'C:\\img\\x', 'dir\\x'])('%s is a path', (s) => {
    expect(looksLikeReference(s)).toBe(false);
  });
  it('a Docker Hub-looking name whose first folder exists is a path; with a registry host it stays a reference', () => {
    const isDir = (p: string) => p === 'build' || p === 'ghcr.io' || p === 'localhost';
    expect(looksLikeReference('build/app', isDir)).toBe(false);
    expect(looksLikeReference('build/app:1', isDir)).toBe(false);
    expect(looksLikeReference('other/app', isDir)).toBe(true);
    expect(looksLikeReference('ghcr.io/o/app', isDir)).toBe(true);
    expect(looksLikeReference('localhost/app', isDir)).toBe(true);
    expect(looksLikeReference('docker://build/app', isDir)).toBe(true);
    expect(noSuchPath('build/app', isDir)).toBe('no such file or directory (read as a path because ./build is a folder here; for the Docker Hub image write docker.io/build/app)');
    expect(noSuchPath('build/App', isDir)).toBe('no such file or directory'); // no image name either
    expect(noSuchPath('image.tar', isDir)).toBe('no such file or directory');
  });
});

describe('isLoopback', () => {
  it.each([['localhost', true], ['127.0.0.1', true], ['127.1.2.3', true], ['[::1]', true], ['::1', true], ['LOCALHOST', true], ['128.0.0.1', false], ['localhost.example.com', false], ['10.0.0.1', false], ['127.0.0.1.nip.io', false]])('%s → %s', (h, want) => {
    expect(isLoopback(h as string)).toBe(want);
  });
});
