-- 0001_initial (sqlite): bundle versions. Applied at start-up by SchemaMigrator, or by a DBA in file-name order.
CREATE TABLE "bundle_versions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_bundle_versions" PRIMARY KEY AUTOINCREMENT,
    "bundle_code" TEXT NOT NULL,
    "declared_version" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "files_json" TEXT NOT NULL,
    "loaded_at" TEXT NOT NULL
);


CREATE UNIQUE INDEX "ix_bundle_versions_bundle_code_content_hash" ON "bundle_versions" ("bundle_code", "content_hash");
