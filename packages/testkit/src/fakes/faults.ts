/**
 * Fault injection shared by the stateful fakes: a test says which method fails, how many
 * times, and whether the call took effect before its answer was lost.
 */

/** How an injected fault behaves. */
export interface FaultOptions {
  /**
   * When true the call takes effect (Kong created the consumer, the row was written) and only
   * its answer is lost — the case a saga must be able to undo. Default false: nothing happens.
   */
  readonly lostResponse?: boolean;
}

/** The fault-injection hooks of a fake whose methods are `M`. */
export interface FaultInjection<M extends string> {
  /**
   * Makes the next `times` calls of `method` fail (default 1; `Infinity` for "down until
   * cleared"). A later `failOn` of the same method replaces the earlier plan.
   */
  failOn(method: M, times?: number, options?: FaultOptions): void;
  /** Removes every planned fault: the fake works again. */
  clearFailures(): void;
}

/** Fault bookkeeping used inside a fake. */
export interface FaultPlan<M extends string> extends FaultInjection<M> {
  /**
   * Runs one call of `method` as I/O would: after a tick, and failing as planned. A planned
   * fault answers `fail(false)` without running `operation`, or with `lostResponse` runs it and
   * then answers `fail(true)`. `fail` returns the failure value or throws.
   */
  run<T>(method: M, operation: () => T, fail: (tookEffect: boolean) => T): Promise<T>;
}

/** Creates an empty fault plan. */
export function createFaultPlan<M extends string>(): FaultPlan<M> {
  const plans = new Map<M, { remaining: number; lostResponse: boolean }>();
  return {
    failOn(method, times = 1, options = {}) {
      if (!(times > 0)) throw new RangeError("failOn: times must be positive");
      plans.set(method, { remaining: times, lostResponse: options.lostResponse ?? false });
    },
    clearFailures() {
      plans.clear();
    },
    async run(method, operation, fail) {
      // Lets other work interleave, as a real I/O call would.
      await Promise.resolve();
      const plan = plans.get(method);
      if (!plan) return operation();
      plan.remaining -= 1;
      if (plan.remaining <= 0) plans.delete(method);
      if (!plan.lostResponse) return fail(false);
      operation();
      return fail(true);
    },
  };
}
