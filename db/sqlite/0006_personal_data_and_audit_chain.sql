-- 0006_personal_data_and_audit_chain (sqlite): certificate numbers are found by keyed hash and the audit is a hash chain
-- (ids assigned under the write lock, anchors left by pruning). SQLite's TEXT columns are unbounded already.
ALTER TABLE "workflow_items" ADD COLUMN "number_hash" TEXT NULL;
CREATE INDEX "ix_workflow_items_number_hash" ON "workflow_items" ("number_hash");

ALTER TABLE "audit_entries" ADD COLUMN "prev_hash" TEXT NULL;
ALTER TABLE "audit_entries" ADD COLUMN "row_hash" TEXT NULL;

CREATE TABLE "audit_anchors" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_audit_anchors" PRIMARY KEY,
    "through_hash" TEXT NOT NULL,
    "anchored_at" TEXT NOT NULL,
    "pruned_rows" INTEGER NOT NULL,
    "mac" TEXT NOT NULL
);

CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE ON audit_anchors
BEGIN SELECT RAISE(ABORT, 'audit_anchors is append-only'); END;

CREATE TRIGGER audit_anchors_no_delete BEFORE DELETE ON audit_anchors
BEGIN SELECT RAISE(ABORT, 'audit_anchors is append-only'); END;
