// The small pure parts of the registry client: Retry-After in both of its forms, the backoff
// schedule, what counts as worth retrying, and WWW-Authenticate challenges as registries send them.

import { describe, expect, it } from 'vitest';
import { ElfscanError } from '../../src/errors.js';
import { parseChallenges } from '../../src/sources/registry/auth.js';
import { backoffMs, isRetryableStatus, retryAfterMs, Retryable, RETRY_POLICY, withRetry } from '../../src/sources/registry/retry.js';

describe('Retry-After', () => {
  const now = Date.parse('Sun, 06 Nov 1994 08:49:37 GMT');
  it('as delta-seconds', () => {
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs(['3', '9'], now)).toBe(3000);
  });
  it('as an HTTP date (IMF-fixdate, and the obsolete RFC 850 and asctime forms)', () => {
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:47 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Sunday, 06-Nov-94 08:49:39 GMT', now)).toBe(2000);
    expect(retryAfterMs('Sun Nov  6 08:49:40 1994', now)).toBe(3000);
  });
  it('a date in the past means now; absent or unreadable means no advice', () => {
    expect(retryAfterMs('Sun, 06 Nov 1994 08:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(undefined, now)).toBeNull();
    expect(retryAfterMs('', now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('-5', now)).toBeNull();
  });
});

describe('backoff', () => {
  it('doubles from the base, stays in the upper half of its window, and is capped', () => {
    expect([0, 1, 2, 3].map((a) => backoffMs(a, () => 0))).toEqual([125, 250, 500, 1000]);
    expect([0, 1, 2, 3].map((a) => backoffMs(a, () => 1))).toEqual([250, 500, 1000, 2000]);
    expect(backoffMs(30, () => 1)).toBe(RETRY_POLICY.maxBackoffMs);
  });
  it('retries 429, 408 and 5xx except 501 and 505', () => {
    expect([429, 408, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 501, 505].some(isRetryableStatus)).toBe(false);
  });
  it('withRetry gives up after the policy\'s attempts with the last sentence, and passes other errors through at once', async () => {
    let calls = 0;
    const fail = withRetry(async () => {
      calls++;
      throw new Retryable(new ElfscanError('x', `attempt ${calls} failed`), 0);
    });
    await expect(fail).rejects.toThrowError(`x: attempt ${RETRY_POLICY.attempts} failed`);
    expect(calls).toBe(RETRY_POLICY.attempts);
    calls = 0;
    await expect(withRetry(async () => (calls++, Promise.reject(new ElfscanError('x', 'final'))))).rejects.toThrowError('x: final');
    expect(calls).toBe(1);
  });
});

describe('WWW-Authenticate', () => {
  it('Docker Hub\'s Bearer challenge', () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull' } },
    ]);
  });
  it('an insufficient_scope error with several scopes, spaces and escapes', () => {
    expect(parseChallenges('Bearer realm="https://r/t", error="insufficient_scope", scope="repository:a:pull repository:b:pull", x="a\\"b"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://r/t', error: 'insufficient_scope', scope: 'repository:a:pull repository:b:pull', x: 'a"b' } },
    ]);
  });
  it('several challenges in one header and across headers; unquoted values; case-insensitive names', () => {
    expect(parseChallenges(['Basic realm="Registry Realm", BEARER Realm=https://r/t,Service=s', 'Negotiate'])).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
      { scheme: 'bearer', params: { realm: 'https://r/t', service: 's' } },
      { scheme: 'negotiate', params: {} },
    ]);
  });
  it('garbage yields nothing rather than throwing or looping', () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges('=,="')).toEqual([]);
    expect(parseChallenges('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
  });
});
