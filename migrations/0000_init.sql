CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`rate_per_minute` integer,
	`rate_burst` integer,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_tenant_idx` ON `api_keys` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`pool` text NOT NULL,
	`status` text NOT NULL,
	`image_sha256` text NOT NULL,
	`image_key` text NOT NULL,
	`image_content_type` text NOT NULL,
	`image_bytes` integer NOT NULL,
	`depth_sha256` text,
	`depth_key` text,
	`depth_bytes` integer,
	`options` text NOT NULL,
	`cache_key` text NOT NULL,
	`cached` integer DEFAULT false NOT NULL,
	`scene_key` text,
	`answers` text,
	`error_code` text,
	`error_message` text,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `jobs_cache_idx` ON `jobs` (`cache_key`,`status`);--> statement-breakpoint
CREATE INDEX `jobs_tenant_idx` ON `jobs` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
