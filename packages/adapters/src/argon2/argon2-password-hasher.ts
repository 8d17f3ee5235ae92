import { err, ok, type PasswordHasher } from "@kong-jwt-auth/core";
import { hash, verify } from "@node-rs/argon2";

/** argon2id cost parameters. */
export interface Argon2Options {
  /** Memory in KiB. Default 19456 (19 MiB, the OWASP minimum). */
  readonly memoryCost?: number;
  /** Passes over memory. Default 2. */
  readonly timeCost?: number;
  /** Lanes. Default 1. */
  readonly parallelism?: number;
}

/** The OWASP Password Storage Cheat Sheet's minimum for argon2id (SPEC §5.2). */
export const ARGON2_OWASP_DEFAULTS = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} satisfies Required<Argon2Options>);

/** The parts of a PHC string this hasher reads. */
interface PhcParameters {
  readonly variant: string;
  readonly version: number;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

const PHC =
  /^\$(argon2id|argon2i|argon2d)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
/** Argon2 version 1.3, the only one written since 2016. */
const ARGON2_VERSION = 19;

/** Reads the variant and parameters of a PHC string, or null when it is not one. */
export function parseArgon2Hash(phc: string): PhcParameters | null {
  const match = PHC.exec(phc);
  if (!match) return null;
  const [, variant = "", version, m, t, p] = match;
  return {
    variant,
    version: Number(version),
    memoryCost: Number(m),
    timeCost: Number(t),
    parallelism: Number(p),
  };
}

function checkOption(name: keyof Argon2Options, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(
      `createArgon2PasswordHasher: option '${name}' must be an integer from ${min} to ${max}`,
    );
  }
  return value;
}

/**
 * The {@link PasswordHasher} over @node-rs/argon2: argon2id (the library's default; its
 * `Algorithm` is a const enum that isolated modules cannot read, so it is not passed), with
 * the OWASP minimum parameters unless told otherwise. Hashing and verifying run on libuv's
 * thread pool, off the event loop.
 *
 * `verify` answers a malformed or non-argon2 hash with an `invalid_hash` value, never a throw;
 * `needsRehash` is true when a hash's variant, version or `m`, `t`, `p` differ from the current
 * parameters, so raising the cost upgrades hashes at the next signin.
 *
 * @throws TypeError naming the option when a parameter is out of range.
 */
export function createArgon2PasswordHasher(options: Argon2Options = {}): PasswordHasher {
  const parallelism = checkOption(
    "parallelism",
    options.parallelism ?? ARGON2_OWASP_DEFAULTS.parallelism,
    1,
    255,
  );
  const params = {
    // Argon2 needs at least 8 KiB per lane.
    memoryCost: checkOption(
      "memoryCost",
      options.memoryCost ?? ARGON2_OWASP_DEFAULTS.memoryCost,
      8 * parallelism,
      4 * 1024 * 1024,
    ),
    timeCost: checkOption("timeCost", options.timeCost ?? ARGON2_OWASP_DEFAULTS.timeCost, 1, 100),
    parallelism,
  };

  return {
    hash(password) {
      return hash(password, params);
    },

    async verify(stored, password) {
      const invalid = err({
        code: "invalid_hash" as const,
        message: "the stored password hash is not an argon2 PHC string",
      });
      if (parseArgon2Hash(stored) === null) return invalid;
      try {
        return ok(await verify(stored, password));
      } catch {
        // The shape matched but the library refused it (bad salt length, base64, parameters).
        return invalid;
      }
    },

    needsRehash(stored) {
      const parsed = parseArgon2Hash(stored);
      return (
        parsed === null ||
        parsed.variant !== "argon2id" ||
        parsed.version !== ARGON2_VERSION ||
        parsed.memoryCost !== params.memoryCost ||
        parsed.timeCost !== params.timeCost ||
        parsed.parallelism !== params.parallelism
      );
    },
  };
}
