import type { DeclarativeConfig } from "@kong-jwt-auth/testkit/kong-emulator";

/** The path prefix whose routes Kong's jwt plugin must guard (SPEC §3.4). */
export const PROTECTED_PREFIX = "/api/jwt";

/**
 * Checks that a loaded `kong.yaml` lets Kong validate this service's access tokens
 * (SPEC §8): a jwt plugin guards the `/api/jwt` route, finds the credential by `iss`, verifies
 * `exp`, and accepts a lifetime of `accessTokenTtl`. Returns one line per problem; none is fine.
 */
export function checkKongConfig(config: DeclarativeConfig, accessTokenTtl: number): string[] {
  const routes = config.routes.filter((route) =>
    route.paths.some((path) => path === PROTECTED_PREFIX || path === `${PROTECTED_PREFIX}/`),
  );
  if (routes.length === 0) {
    return [`no route has the path ${PROTECTED_PREFIX}, so Kong would not forward it`];
  }
  const problems: string[] = [];
  for (const route of routes) {
    const label = `route ${route.name ?? route.id} (${PROTECTED_PREFIX})`;
    // Kong runs the most specific instance of a plugin: route, then service, then global.
    const plugin =
      config.plugins.find((candidate) => candidate.routeId === route.id) ??
      config.plugins.find(
        (candidate) =>
          candidate.routeId === null &&
          candidate.serviceId !== null &&
          candidate.serviceId === route.serviceId,
      ) ??
      config.plugins.find(
        (candidate) => candidate.routeId === null && candidate.serviceId === null,
      );
    if (!plugin) {
      problems.push(`${label} has no jwt plugin: Kong would forward requests without a token`);
      continue;
    }
    const { claims_to_verify, key_claim_name, maximum_expiration } = plugin.config;
    if (!claims_to_verify?.includes("exp")) {
      problems.push(
        `${label}: the jwt plugin's claims_to_verify must include exp, or Kong accepts expired tokens`,
      );
    }
    if (key_claim_name !== "iss") {
      problems.push(
        `${label}: the jwt plugin's key_claim_name must be iss (the credential key is in iss), got ${JSON.stringify(key_claim_name)}`,
      );
    }
    if (maximum_expiration === 0) {
      problems.push(
        `${label}: the jwt plugin's maximum_expiration is 0 (no limit); set it ≥ ACCESS_TOKEN_TTL (${accessTokenTtl}) so Kong bounds token lifetimes`,
      );
    } else if (maximum_expiration < accessTokenTtl) {
      problems.push(
        `${label}: the jwt plugin's maximum_expiration (${maximum_expiration}) must be ≥ ACCESS_TOKEN_TTL (${accessTokenTtl}), or Kong rejects every access token`,
      );
    }
  }
  return problems;
}
