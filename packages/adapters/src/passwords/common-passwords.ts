import { dictionary } from "@zxcvbn-ts/language-common";

/** How many entries `passwords-common` of @zxcvbn-ts/language-common 4.x holds. */
export const COMMON_PASSWORDS_COUNT = 49233;

/**
 * The most common passwords, ranked, from the `passwords-common` dictionary of
 * @zxcvbn-ts/language-common (SPEC §5.2 asks for at least the 10,000 most common), lower-cased
 * so the policy can compare case-insensitively. Pass the set to the core's password policy;
 * the core never imports it.
 *
 * @param limit - how many of the most common to keep (default: all of them).
 * @throws TypeError when `limit` is not a positive integer.
 */
export function loadCommonPasswords(limit: number = COMMON_PASSWORDS_COUNT): ReadonlySet<string> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError("loadCommonPasswords: 'limit' must be a positive integer");
  }
  return new Set(dictionary["passwords-common"].slice(0, limit).map((p) => p.toLowerCase()));
}
