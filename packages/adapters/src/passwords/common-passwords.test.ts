import { describe, expect, it } from "vitest";
import { loadCommonPasswords } from "./common-passwords.js";

describe("loadCommonPasswords", () => {
  it("holds at least the 10,000 most common passwords, including the classics", () => {
    const common = loadCommonPasswords();
    expect(common.size).toBeGreaterThanOrEqual(10_000);
    for (const password of ["password", "123456", "qwerty", "iloveyou"]) {
      expect(common.has(password)).toBe(true);
    }
  });

  it("keeps only the most common entries when given a limit, in rank order", () => {
    const top = loadCommonPasswords(2);
    expect([...top]).toEqual(["123456", "password"]);
  });

  it("stores every entry lower-cased", () => {
    for (const password of loadCommonPasswords()) {
      expect(password).toBe(password.toLowerCase());
    }
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => loadCommonPasswords(0)).toThrow(TypeError);
    expect(() => loadCommonPasswords(2.5)).toThrow(TypeError);
  });
});
