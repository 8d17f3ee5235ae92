import { randomFillSync } from "node:crypto";
import type { Random } from "@kong-jwt-auth/core";

/** The {@link Random} over node:crypto's CSPRNG. Returns a plain `Uint8Array`, not a `Buffer`. */
export function createNodeRandom(): Random {
  return {
    bytes(length) {
      return randomFillSync(new Uint8Array(length));
    },
  };
}
