ALTER TYPE "public"."artifact_kind" ADD VALUE 'rank_genes';--> statement-breakpoint
CREATE TABLE "cell_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"name" text NOT NULL,
	"cells" jsonb NOT NULL,
	"created_by_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" "annotation_status" DEFAULT 'open' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"accepted_proposal_id" uuid,
	CONSTRAINT "cell_sets_run_name" UNIQUE("run_id","name")
);
--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "gene_columns" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "gene_name_column" text;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "labels_key" text;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "cell_set_id" uuid;--> statement-breakpoint
ALTER TABLE "comments" ADD COLUMN "cell_set_id" uuid;--> statement-breakpoint
ALTER TABLE "cell_sets" ADD CONSTRAINT "cell_sets_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cell_sets" ADD CONSTRAINT "cell_sets_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cell_sets_run_idx" ON "cell_sets" USING btree ("run_id","created_at");--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_cell_set_id_cell_sets_id_fk" FOREIGN KEY ("cell_set_id") REFERENCES "public"."cell_sets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_cell_set_id_cell_sets_id_fk" FOREIGN KEY ("cell_set_id") REFERENCES "public"."cell_sets"("id") ON DELETE cascade ON UPDATE no action;