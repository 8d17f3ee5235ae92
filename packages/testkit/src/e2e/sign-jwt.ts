import { createHmac, constants as cryptoConstants, type KeyObject, sign } from "node:crypto";

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

const DIGESTS: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };

/**
 * Signs a compact JWT with any algorithm Kong's jwt plugin verifies, independently of the
 * service's own signer: `key` is the HMAC secret for HS*, a private key otherwise (ES* signatures
 * are raw R||S, as JOSE and Kong want). For tests that forge, backdate or tamper with tokens.
 */
export function signJwt(
  payload: Record<string, unknown>,
  key: string | Buffer | KeyObject,
  alg = "HS256",
  header: Record<string, unknown> = { typ: "JWT", alg },
): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const digest = DIGESTS[alg.slice(2)] ?? "sha256";
  let signature: Buffer;
  if (alg.startsWith("HS")) {
    signature = createHmac(digest, key as string | Buffer)
      .update(input)
      .digest();
  } else if (alg.startsWith("RS")) {
    signature = sign(digest, Buffer.from(input), key as KeyObject);
  } else if (alg.startsWith("PS")) {
    signature = sign(digest, Buffer.from(input), {
      key: key as KeyObject,
      padding: cryptoConstants.RSA_PKCS1_PSS_PADDING,
      saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST,
    });
  } else if (alg.startsWith("ES")) {
    signature = sign(digest, Buffer.from(input), {
      key: key as KeyObject,
      dsaEncoding: "ieee-p1363",
    });
  } else {
    signature = sign(null, Buffer.from(input), key as KeyObject);
  }
  return `${input}.${b64url(signature)}`;
}
