CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"consumer_id" text NOT NULL,
	"credential_id" text NOT NULL,
	"credential_key" text NOT NULL,
	"credential_secret" text NOT NULL,
	"credential_algorithm" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_credential_key_unique" UNIQUE("credential_key")
);
