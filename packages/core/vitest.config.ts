import { defineProject } from "vitest/config";

export default defineProject({
  ssr: { resolve: { conditions: ["source"] } },
  test: { name: "core", include: ["src/**/*.test.ts"] },
});
