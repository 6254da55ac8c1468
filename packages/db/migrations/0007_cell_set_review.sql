DROP TABLE "dataset_genes" CASCADE;--> statement-breakpoint
ALTER TABLE "cell_sets" ADD COLUMN "accept_override_reason" text;