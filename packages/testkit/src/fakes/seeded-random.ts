import type { Random } from "@kong-jwt-auth/core";

/**
 * A deterministic {@link Random} (sfc32 seeded through splitmix32) so a failing test replays
 * exactly. Not cryptographically secure: for tests only.
 */
export function createSeededRandom(seed = 0x5eed): Random {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  return {
    bytes(length) {
      if (!Number.isSafeInteger(length) || length < 0) {
        throw new RangeError(`random bytes: length must be a whole number ≥ 0, got ${length}`);
      }
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += 4) {
        const word = next();
        for (let j = 0; j < 4 && i + j < length; j += 1) out[i + j] = (word >>> (8 * j)) & 0xff;
      }
      return out;
    },
  };
}
