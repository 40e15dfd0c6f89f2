// When and how long to wait before asking a registry again (spec §7): dropped connections, 5xx
// and 429 are retried with exponential backoff, and a Retry-After header (seconds or HTTP date)
// overrides the backoff — a rate-limited registry says how long it wants us to wait.

import { ElfscanError } from '../../errors.js';

export const RETRY_POLICY = {
  /** Tries in all, the first included. */
  attempts: 5,
  baseMs: 250,
  maxBackoffMs: 8_000,
  /** A Retry-After longer than this is not waited for: the scan fails and says so. */
  maxRetryAfterMs: 60_000,
};

/** A failure worth another try; `error` is what the user sees if the tries run out. */
export class Retryable extends Error {
  constructor(
    readonly error: ElfscanError,
    /** From Retry-After, when the server sent one. */
    readonly afterMs: number | null = null,
  ) {
    super(error.message);
  }
}

/** 429, and 5xx except the ones that will not change (501 Not Implemented, 505 version). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** How retries wait: the real clock, or (in tests) one that moves only when asked to wait. */
export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: RetryClock = { now: () => Date.now(), sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
let clock: RetryClock = REAL_CLOCK;

/** Every wait from now on goes through `c` (null: the real clock again); returns the one it replaces. */
export function useRetryClock(c: RetryClock | null): RetryClock {
  const before = clock;
  clock = c ?? REAL_CLOCK;
  return before;
}

/** Waits `ms` on the retry clock. */
export const sleep = (ms: number): Promise<void> => clock.sleep(ms);

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`; null if absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number = clock.now()): number | null {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/^[A-Za-z]{3}/.test(v)) return null; // every HTTP-date form starts with the day's name
  const at = Date.parse(/GMT$/i.test(v) ? v : `${v} GMT`); // asctime form carries no zone but means GMT
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** Exponential backoff with jitter (the upper half of the window, so it always grows). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const window = Math.min(RETRY_POLICY.maxBackoffMs, RETRY_POLICY.baseMs * 2 ** attempt);
  return Math.round(window / 2 + (random() * window) / 2);
}

/** Runs `fn` until it succeeds, throws something other than Retryable, or the tries run out. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!(e instanceof Retryable)) throw e;
      if (attempt + 1 >= RETRY_POLICY.attempts) throw e.error;
      if (e.afterMs !== null && e.afterMs > RETRY_POLICY.maxRetryAfterMs)
        throw new ElfscanError(e.error.where, `${e.error.what}, and it asks to retry after ${Math.ceil(e.afterMs / 1000)} s; try again later`);
      await sleep(e.afterMs ?? backoffMs(attempt));
    }
  }
}
