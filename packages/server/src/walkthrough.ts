/** The URLs a developer needs after `pnpm start`. */
export interface StackUrls {
  /** The service itself (what Kong forwards to). */
  readonly api: string;
  /** The browsable OpenAPI page. */
  readonly docs: string;
  /** Kong's proxy: where clients send requests. */
  readonly proxy: string | null;
  /** Kong's Admin API (the emulator's in development). */
  readonly kongAdmin: string;
}

/** The example account of the walkthrough. */
export const WALKTHROUGH_USER = Object.freeze({
  username: "alice",
  password: "correct horse battery staple",
});

/**
 * A copy-paste curl session through Kong's proxy: signup → signin → `/api/jwt/info` → refresh.
 * Tokens are captured into shell variables with `sed` (no jq needed); tokens are base64url, so
 * they never contain the `"` the expression stops at.
 */
export function walkthrough(proxy: string): string {
  const credentials = JSON.stringify(WALKTHROUGH_USER);
  const json = "-H 'content-type: application/json'";
  const extract = (field: string) =>
    `$(printf '%s' "$TOKENS" | sed -E 's/.*"${field}":"([^"]+)".*/\\1/')`;
  return [
    `curl -s -X POST ${proxy}/api/public/signup ${json} -d '${credentials}'; echo`,
    `TOKENS=$(curl -s -X POST ${proxy}/api/public/signin ${json} -d '${credentials}'); echo "$TOKENS"`,
    `ACCESS=${extract("access_token")}`,
    `REFRESH=${extract("refresh_token")}`,
    `curl -s ${proxy}/api/jwt/info -H "authorization: Bearer $ACCESS"; echo`,
    `curl -s -X POST ${proxy}/api/public/refresh ${json} -d "{\\"refresh_token\\":\\"$REFRESH\\"}"; echo`,
  ].join("\n");
}

/** What `pnpm start` prints in development: where things are, and how to try them. */
export function developmentBanner(urls: StackUrls): string {
  const lines = [
    "",
    "kong-jwt-auth is running with the built-in Kong emulator (development only).",
    `  service       ${urls.api}`,
    `  API docs      ${urls.docs}`,
    `  Kong proxy    ${urls.proxy ?? "(none)"}`,
    `  Kong Admin    ${urls.kongAdmin}`,
    "",
  ];
  if (urls.proxy) {
    lines.push(
      "Try the whole flow through Kong (paste into a shell; signup answers 409 once alice exists):",
      "",
      ...walkthrough(urls.proxy)
        .split("\n")
        .map((line) => `  ${line}`),
      "",
    );
  }
  return lines.join("\n");
}
