import type { User } from "../domain/user.js";
import type { Result } from "../errors.js";

/** The username is already taken (compared exactly: the core normalises usernames). */
export interface UsernameTakenError {
  readonly code: "username_taken";
  readonly message: string;
}

/** The fields of a user that change after signup. */
export type UserUpdate = Partial<Pick<User, "passwordHash" | "consumerId" | "credential">> & {
  readonly updatedAt: number;
};

/**
 * A refresh-token family: every token descended from one signin. Its expiry is absolute and
 * inherited by every rotation; its key derives each token's successor.
 */
export interface RefreshFamily {
  readonly id: string;
  readonly userId: string;
  /** HMAC key for successor derivation (base64url). Not a token: holding it and a hash yields nothing. */
  readonly successorKey: string;
  /** Epoch ms after which no token of the family is accepted. */
  readonly expiresAt: number;
  readonly createdAt: number;
}

/** A stored refresh token, joined with its family. */
export interface RefreshTokenRecord {
  /** SHA-256 of the token (base64url). The token itself is never stored. */
  readonly tokenHash: string;
  /** Hash of the token this one replaced; null for the first token of a family. */
  readonly parentHash: string | null;
  readonly familyId: string;
  readonly userId: string;
  readonly successorKey: string;
  readonly expiresAt: number;
  readonly createdAt: number;
  /** When it was rotated (exchanged for its successor); null while it is the live token. */
  readonly usedAt: number | null;
  /** When its family was revoked; null while the family is live. */
  readonly revokedAt: number | null;
}

/** A rotation: mark `parentHash` used and insert its successor, atomically. */
export interface Rotation {
  readonly parentHash: string;
  readonly childHash: string;
  readonly at: number;
}

/**
 * Users and refresh-token families. Absence is `null`. Storage faults throw (they are not
 * expected failures); the only expected failure is a taken username.
 */
export interface UserStore {
  findUserByUsername(username: string): Promise<User | null>;
  findUserById(id: string): Promise<User | null>;
  /** Inserts a new user; `username_taken` when the username exists. */
  insertUser(user: User): Promise<Result<User, UsernameTakenError>>;
  /** Updates a user's hash, consumer or credential. Updating a missing user is a no-op. */
  updateUser(id: string, update: UserUpdate): Promise<void>;
  /** Starts a family with its first token. */
  createRefreshFamily(family: RefreshFamily, firstTokenHash: string): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * In one transaction: if the parent is unused and its family not revoked, marks it used at
   * `at` and inserts the child in the same family; returns true. Otherwise changes nothing and
   * returns false. Of two concurrent rotations of one parent, exactly one returns true.
   */
  rotateRefreshToken(rotation: Rotation): Promise<boolean>;
  /** Revokes a family (idempotent: an earlier revocation time is kept). */
  revokeRefreshFamily(familyId: string, at: number): Promise<void>;
  /** Revokes every family of the user. */
  revokeUserRefreshFamilies(userId: string, at: number): Promise<void>;
  /** Succeeds when the store can answer a query. */
  ping(): Promise<void>;
}
