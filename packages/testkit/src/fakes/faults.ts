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

/** The fault that applies to one call, if any. */
export interface Fault {
  readonly lostResponse: boolean;
}

/** Fault bookkeeping used inside a fake. */
export interface FaultPlan<M extends string> extends FaultInjection<M> {
  /** Consumes one planned failure of `method`, or returns null when the call should succeed. */
  take(method: M): Fault | null;
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
    take(method) {
      const plan = plans.get(method);
      if (!plan) return null;
      plan.remaining -= 1;
      if (plan.remaining <= 0) plans.delete(method);
      return { lostResponse: plan.lostResponse };
    },
  };
}

/** Lets other work interleave, as a real I/O call would: every fake method awaits it first. */
export function tick(): Promise<void> {
  return Promise.resolve();
}
