import type { RefreshFamily } from "@kong-jwt-auth/core";

/** A `refresh_families` row, as both the SQLite and the PostgreSQL schema type it. */
export interface RefreshFamilyRow {
  readonly id: string;
  readonly userId: string;
  readonly successorKey: string;
  readonly expiresAt: number;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** A `refresh_tokens` row, as both schemas type it. */
export interface RefreshTokenRow {
  readonly tokenHash: string;
  readonly familyId: string;
  readonly parentHash: string | null;
  readonly createdAt: number;
  readonly usedAt: number | null;
}

/** The row of a new, unrevoked family. */
export function toRefreshFamilyRow(family: RefreshFamily): RefreshFamilyRow {
  return {
    id: family.id,
    userId: family.userId,
    successorKey: family.successorKey,
    expiresAt: family.expiresAt,
    createdAt: family.createdAt,
    revokedAt: null,
  };
}

/** The row of a new, unused token: a family's first (no parent) or a rotation's child. */
export function toRefreshTokenRow(token: {
  readonly tokenHash: string;
  readonly familyId: string;
  readonly parentHash: string | null;
  readonly createdAt: number;
}): RefreshTokenRow {
  return { ...token, usedAt: null };
}
