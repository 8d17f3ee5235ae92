/** The time, taken as a dependency so every use case is deterministic under test. */
export interface Clock {
  /** Milliseconds since the Unix epoch. Use cases read it once per call. */
  now(): number;
}
