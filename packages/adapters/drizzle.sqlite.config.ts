import { defineConfig } from "drizzle-kit";

/** `drizzle-kit generate --config drizzle.sqlite.config.ts` writes SQLite migrations from the schema. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/sqlite/schema.ts",
  out: "./src/sqlite/migrations",
});
