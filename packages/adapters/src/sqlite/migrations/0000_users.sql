CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`consumer_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`credential_key` text NOT NULL,
	`credential_secret` text NOT NULL,
	`credential_algorithm` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_credential_key_unique` ON `users` (`credential_key`);