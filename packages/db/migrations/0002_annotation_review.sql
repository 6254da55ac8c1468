CREATE TYPE "public"."annotation_status" AS ENUM('open', 'proposed', 'accepted', 'disputed');--> statement-breakpoint
ALTER TYPE "public"."artifact_kind" ADD VALUE 'umap';--> statement-breakpoint
ALTER TYPE "public"."artifact_kind" ADD VALUE 'markers';--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "qc" jsonb;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "markers" jsonb;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "status" "annotation_status" DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "accepted_proposal_id" uuid;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "ontology_id" text;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "evidence" text;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "marker_genes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "revision" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "comments" ADD COLUMN "proposal_id" uuid;--> statement-breakpoint
ALTER TABLE "votes" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_proposal_id_annotations_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."annotations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_target_idx" ON "audit_log" USING btree ("target_type","target_id","id");--> statement-breakpoint
-- Clusters annotated before statuses existed start as proposed, not open.
UPDATE "clusters" SET "status" = 'proposed' WHERE EXISTS (SELECT 1 FROM "annotations" a WHERE a."run_id" = "clusters"."run_id" AND a."cluster_index" = "clusters"."index");
