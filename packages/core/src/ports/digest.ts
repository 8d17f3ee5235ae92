/**
 * The two digests refresh tokens need. Outputs are unpadded base64url of the 32-byte digest,
 * so they are safe to store and compare as strings.
 */
export interface Digest {
  /** SHA-256 of the UTF-8 bytes of `input`: what the store keeps instead of a token. */
  sha256(input: string): Promise<string>;
  /** HMAC-SHA-256 of the UTF-8 bytes of `input`, keyed with the UTF-8 bytes of `key`. */
  hmacSha256(key: string, input: string): Promise<string>;
}
