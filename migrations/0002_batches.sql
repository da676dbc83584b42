CREATE TABLE `batch_items` (
	`batch_id` text NOT NULL,
	`idx` integer NOT NULL,
	`item_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`image_url` text,
	`image_upload` text,
	`depth_upload` text,
	`depth_scale` real,
	`intrinsics` text,
	`job_id` text,
	`qa_pairs` integer,
	`result_key` text,
	`error_code` text,
	`error_message` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`batch_id`, `idx`),
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batch_items_item_idx` ON `batch_items` (`batch_id`,`item_id`);--> statement-breakpoint
CREATE INDEX `batch_items_status_idx` ON `batch_items` (`batch_id`,`status`);--> statement-breakpoint
CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`key_id` text,
	`pool` text NOT NULL,
	`status` text NOT NULL,
	`synthesis` text NOT NULL,
	`formats` text NOT NULL,
	`webhook_url` text,
	`webhook_secret` text,
	`webhook_events` text,
	`webhook_disabled_at` integer,
	`total` integer NOT NULL,
	`qa_pairs` integer DEFAULT 0 NOT NULL,
	`outputs` text,
	`error_code` text,
	`error_message` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `batches_tenant_idx` ON `batches` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `batches_status_idx` ON `batches` (`status`);--> statement-breakpoint
CREATE TABLE `uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`sha256` text NOT NULL,
	`key` text NOT NULL,
	`content_type` text NOT NULL,
	`bytes` integer NOT NULL,
	`width` integer,
	`height` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uploads_tenant_sha_idx` ON `uploads` (`tenant_id`,`sha256`,`kind`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_batch_idx` ON `webhook_deliveries` (`batch_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `jobs` ADD `batch_id` text;--> statement-breakpoint
ALTER TABLE `jobs` ADD `batch_idx` integer;