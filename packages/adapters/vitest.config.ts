import { defineProject } from "vitest/config";

export default defineProject({
  ssr: { resolve: { conditions: ["source"] } },
  test: { name: "adapters", include: ["src/**/*.test.ts"] },
});
