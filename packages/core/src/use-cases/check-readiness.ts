import type { AuthContext } from "./context.js";

/** Whether each dependency answered. */
export interface Readiness {
  readonly ready: boolean;
  readonly store: boolean;
  readonly identity: boolean;
}

/** Asks the store and Kong's Admin API whether they answer (the check behind `/readyz`). */
export async function checkReadiness(
  deps: Pick<AuthContext, "users" | "identity">,
): Promise<Readiness> {
  const [store, identity] = await Promise.all([
    deps.users.ping().then(
      () => true,
      () => false,
    ),
    deps.identity.ping().then(
      (result) => result.ok,
      () => false,
    ),
  ]);
  return { ready: store && identity, store, identity };
}
