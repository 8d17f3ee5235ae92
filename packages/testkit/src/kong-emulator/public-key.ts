import { createPublicKey, type KeyObject } from "node:crypto";

/**
 * Loads a key the way `resty.openssl.pkey.new` does for the jwt plugin: PEM (public or
 * private, whose public half is used), DER, or a JWK in JSON. Returns `null` when OpenSSL
 * would refuse it, which Kong reports as `"invalid key"`.
 */
export function loadPublicKey(text: string): KeyObject | null {
  const attempts: (() => KeyObject)[] = [
    () => createPublicKey(text),
    () =>
      createPublicKey({ key: JSON.parse(text) as import("node:crypto").JsonWebKey, format: "jwk" }),
    () => createPublicKey({ key: Buffer.from(text, "binary"), format: "der", type: "spki" }),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next format, as OpenSSL's decoder does
    }
  }
  return null;
}
