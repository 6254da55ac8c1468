CREATE TABLE "dataset_genes" (
	"dataset_id" uuid PRIMARY KEY NOT NULL,
	"ids" jsonb NOT NULL,
	"names" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "organism" text;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "accept_override_reason" text;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "source" text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "automated" jsonb;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "imported_author" text;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "imported_reviews" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "dataset_genes" ADD CONSTRAINT "dataset_genes_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;