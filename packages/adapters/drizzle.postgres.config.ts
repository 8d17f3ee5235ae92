import { defineConfig } from "drizzle-kit";

/** `drizzle-kit generate --config drizzle.postgres.config.ts` writes PostgreSQL migrations from the schema. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/postgres/schema.ts",
  out: "./src/postgres/migrations",
});
