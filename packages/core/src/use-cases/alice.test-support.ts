/**
 * The starting point most use-case tests share: alice, signed up over the testkit fakes. Test
 * support only (excluded from the build; it may reach the fakes by relative path, as tests do).
 */

import { createFakeAuthDeps } from "../../../testkit/src/index.js";
import { type AuthOptions, createAuth } from "../auth.js";
import type { User } from "../domain/user.js";

/** alice's password: long enough, and in no blocklist the tests pass. */
export const PASSWORD = "correct horse battery staple";

/** Options of {@link aliceSignedUp}: `createAuth`'s, plus the blocklist and the fakes' seed. */
export type AliceOptions = Omit<AuthOptions, "passwordPolicy"> & {
  readonly commonPasswords?: readonly string[];
  readonly seed?: number;
};

/** Signs alice up; `signIn` starts a session for her, `stored` reads her row from the fake store. */
export async function aliceSignedUp(options: AliceOptions = {}) {
  const { commonPasswords = [], seed, ...authOptions } = options;
  const deps = createFakeAuthDeps(seed === undefined ? {} : { seed });
  const auth = createAuth(deps, { ...authOptions, passwordPolicy: { commonPasswords } });
  const signedUp = await auth.signUp({ username: "alice", password: PASSWORD });
  if (!signedUp.ok) throw new Error(`setup: signup failed with ${signedUp.error.code}`);
  const signIn = async () => {
    const session = await auth.signIn({ username: "alice", password: PASSWORD });
    if (!session.ok) throw new Error(`setup: signin failed with ${session.error.code}`);
    return session.value;
  };
  const stored = (): User => {
    const [user] = deps.users.listUsers();
    if (!user) throw new Error("no user stored");
    return user;
  };
  return { deps, auth, signIn, stored };
}
