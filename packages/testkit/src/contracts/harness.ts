import { afterEach, beforeEach, describe } from "vitest";

/** What a contract suite's `setup` returns: the subject and how to release it. */
export type Setup<T> = () => Promise<T & { close?: () => Promise<void> }>;

/**
 * Registers `describe(name)` with a fresh subject per test: `setup` runs before each test and
 * its `close` after it, so every test starts from an empty adapter.
 */
export function describeContract<T>(
  name: string,
  setup: Setup<T>,
  body: (subject: () => T) => void,
): void {
  describe(name, () => {
    let current: (T & { close?: () => Promise<void> }) | undefined;
    beforeEach(async () => {
      current = await setup();
    });
    afterEach(async () => {
      const closing = current;
      current = undefined;
      await closing?.close?.();
    });
    body(() => {
      if (!current) throw new Error(`${name}: the subject is only available inside a test`);
      return current;
    });
  });
}
