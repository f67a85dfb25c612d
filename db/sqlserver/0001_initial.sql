-- 0001_initial (sqlserver): bundle versions. Applied at start-up by SchemaMigrator (batches split at GO lines), or by a DBA with sqlcmd in file-name order.
CREATE TABLE [bundle_versions] (
    [id] bigint NOT NULL IDENTITY,
    [bundle_code] nvarchar(64) NOT NULL,
    [declared_version] nvarchar(32) NOT NULL,
    [content_hash] nvarchar(64) NOT NULL,
    [version] nvarchar(64) NOT NULL,
    [files_json] nvarchar(max) NOT NULL,
    [loaded_at] datetimeoffset NOT NULL,
    CONSTRAINT [pk_bundle_versions] PRIMARY KEY ([id])
);
GO

CREATE UNIQUE INDEX [ix_bundle_versions_bundle_code_content_hash] ON [bundle_versions] ([bundle_code], [content_hash]);
GO
