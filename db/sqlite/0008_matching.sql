-- 0008_matching (sqlite): proactive matching (免申即享): runs with their checkpoint, the matches they found, and invitations (one per person and bundle).
CREATE TABLE "matching_runs" (
    "id" TEXT NOT NULL CONSTRAINT "pk_matching_runs" PRIMARY KEY,
    "bundle_code" TEXT NOT NULL,
    "bundle_version" TEXT NOT NULL,
    "as_of" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "cursor" TEXT NULL,
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL,
    "matched" INTEGER NOT NULL,
    "started_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "started_at" INTEGER NULL,
    "finished_at" INTEGER NULL,
    "error" TEXT NULL
);

CREATE TABLE "matching_invitations" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_matching_invitations" PRIMARY KEY AUTOINCREMENT,
    "bundle_code" TEXT NOT NULL,
    "subject_hash" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "items_json" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL
);

CREATE TABLE "matching_matches" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_matching_matches" PRIMARY KEY AUTOINCREMENT,
    "run_id" TEXT NOT NULL,
    "subject_hash" TEXT NOT NULL,
    "masked_name" TEXT NOT NULL,
    "masked_id" TEXT NULL,
    "items_json" TEXT NOT NULL,
    CONSTRAINT "fk_matching_matches_matching_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "matching_runs" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_matching_invitations_bundle_code_subject_hash" ON "matching_invitations" ("bundle_code", "subject_hash");

CREATE INDEX "ix_matching_invitations_run_id" ON "matching_invitations" ("run_id");

CREATE INDEX "ix_matching_invitations_subject_hash_created_at" ON "matching_invitations" ("subject_hash", "created_at");

CREATE UNIQUE INDEX "ix_matching_matches_run_id_subject_hash" ON "matching_matches" ("run_id", "subject_hash");

CREATE INDEX "ix_matching_runs_bundle_code_created_at" ON "matching_runs" ("bundle_code", "created_at");

CREATE INDEX "ix_matching_runs_state" ON "matching_runs" ("state");
