-- 0002_shared_data_and_audit (sqlite): shared-data records (keyed hashes only) and the append-only audit.
CREATE TABLE "audit_entries" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_audit_entries" PRIMARY KEY AUTOINCREMENT,
    "at" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "subject_hash" TEXT NULL,
    "detail" TEXT NULL
);

CREATE TABLE "shared_records" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_shared_records" PRIMARY KEY AUTOINCREMENT,
    "source" TEXT NOT NULL,
    "subject_hash" TEXT NOT NULL,
    "attributes_json" TEXT NOT NULL,
    "valid_from" TEXT NULL,
    "valid_to" TEXT NULL,
    "imported_at" TEXT NOT NULL,
    "batch" TEXT NOT NULL
);

CREATE INDEX "ix_audit_entries_at" ON "audit_entries" ("at");

CREATE INDEX "ix_audit_entries_subject_hash" ON "audit_entries" ("subject_hash");

CREATE INDEX "ix_shared_records_source_subject_hash" ON "shared_records" ("source", "subject_hash");

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;

CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
