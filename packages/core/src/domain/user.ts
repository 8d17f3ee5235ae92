/** The account the service keeps, and the Kong identity that belongs to it. */

/** HMAC algorithms a Kong JWT credential may use for tokens this service signs. */
export type HmacAlgorithm = "HS256" | "HS384" | "HS512";

/** A Kong JWT credential as the service stores it: the key goes in `iss`, the secret signs. */
export interface StoredCredential {
  /** Kong's id of the credential. */
  readonly id: string;
  /** The credential's `key`, chosen by the service; access tokens carry it as `iss`. */
  readonly key: string;
  /** The HMAC secret shared with Kong. */
  readonly secret: string;
  readonly algorithm: HmacAlgorithm;
}

/** A user account. Times are epoch milliseconds. */
export interface User {
  readonly id: string;
  /** Normalised (NFKC, lower-case) username; unique. */
  readonly username: string;
  readonly passwordHash: string;
  /** The Kong consumer that represents this user at the gateway. */
  readonly consumerId: string;
  readonly credential: StoredCredential;
  readonly createdAt: number;
  readonly updatedAt: number;
}
