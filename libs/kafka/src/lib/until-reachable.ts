export interface UntilReachableOptions {
  /** Told once, at the first failure: the one line a user sees about it. */
  onFirstFailure: (reason: string) => void;
  /** Told about every later failure (for debug logs). */
  onRetry?: (attempt: number, reason: string) => void;
  /** Told when an attempt succeeds after failures. */
  onRecovered?: (failures: number) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Repeats `attempt` (e.g. creating topics at start-up) until it succeeds, waiting 1 s, 2 s, 4 s ... up to 10 s
 * between tries. Meant for attempts with few retries of their own, so a down broker is reported once and
 * plainly, not as a minute of client retries followed by an exit.
 */
export async function untilReachable<T>(attempt: () => Promise<T>, options: UntilReachableOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let waitMs = options.firstDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  for (let failures = 0; ; ) {
    try {
      const result = await attempt();
      if (failures > 0) options.onRecovered?.(failures);
      return result;
    } catch (error) {
      failures++;
      const reason = error instanceof Error ? error.message : String(error);
      if (failures === 1) options.onFirstFailure(reason);
      else options.onRetry?.(failures, reason);
      await sleep(waitMs);
      waitMs = Math.min(waitMs * 2, maxDelayMs);
    }
  }
}
