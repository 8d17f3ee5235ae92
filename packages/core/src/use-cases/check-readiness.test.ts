import { describe, expect, it } from "vitest";
import { createFakeAuthDeps } from "../../../testkit/src/index.js";
import { createAuth } from "../auth.js";

function setup() {
  const deps = createFakeAuthDeps();
  return { deps, auth: createAuth(deps, { passwordPolicy: { commonPasswords: [] } }) };
}

describe("checkReadiness", () => {
  it("is ready when the store and Kong both answer", async () => {
    await expect(setup().auth.checkReadiness()).resolves.toEqual({
      ready: true,
      store: true,
      identity: true,
    });
  });

  it("is not ready when the store fails", async () => {
    const { deps, auth } = setup();
    deps.users.failOn("ping");
    await expect(auth.checkReadiness()).resolves.toEqual({
      ready: false,
      store: false,
      identity: true,
    });
  });

  it("is not ready when Kong's Admin API fails", async () => {
    const { deps, auth } = setup();
    deps.identity.failOn("ping");
    await expect(auth.checkReadiness()).resolves.toEqual({
      ready: false,
      store: true,
      identity: false,
    });
  });

  it("reports both failures at once", async () => {
    const { deps, auth } = setup();
    deps.users.failOn("ping");
    deps.identity.failOn("ping");
    await expect(auth.checkReadiness()).resolves.toEqual({
      ready: false,
      store: false,
      identity: false,
    });
  });
});
