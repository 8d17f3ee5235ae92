import type { PasswordHasher } from "../ports/password-hasher.js";
import type { Random } from "../ports/random.js";
import { randomToken } from "./ids.js";

// One dummy hash per hasher, made with the hasher's own parameters, so verifying an unknown
// user's password costs what verifying a real one does.
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();

/** A hash of a random password nobody knows, made once per hasher. */
export function dummyHash(hasher: PasswordHasher, random: Random): Promise<string> {
  let hash = dummyHashes.get(hasher);
  if (!hash) {
    hash = hasher.hash(randomToken(random, 32));
    dummyHashes.set(hasher, hash);
    // A failed hash must not be remembered: the next signin tries again.
    hash.catch(() => dummyHashes.delete(hasher));
  }
  return hash;
}
