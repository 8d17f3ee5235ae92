import type { Clock } from "@kong-jwt-auth/core";

/** A {@link Clock} that moves only when the test moves it. */
export interface FakeClock extends Clock {
  /** Sets the time (epoch milliseconds). */
  set(ms: number): void;
  /** Moves the time forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void;
}

/** 2026-01-01T00:00:00Z: a whole second, so token times in tests are easy to read. */
export const FAKE_CLOCK_START = Date.UTC(2026, 0, 1);

/** Creates a clock stopped at `startMs` (default {@link FAKE_CLOCK_START}). */
export function createFakeClock(startMs: number = FAKE_CLOCK_START): FakeClock {
  let current = startMs;
  return {
    now: () => current,
    set(ms) {
      current = ms;
    },
    advance(ms) {
      current += ms;
    },
  };
}
