-- 0002_shared_data_and_audit (sqlserver): shared-data records (keyed hashes only) and the append-only audit.
CREATE TABLE [audit_entries] (
    [id] bigint NOT NULL IDENTITY,
    [at] datetimeoffset NOT NULL,
    [actor] nvarchar(64) NOT NULL,
    [role] nvarchar(20) NOT NULL,
    [action] nvarchar(60) NOT NULL,
    [resource] nvarchar(200) NOT NULL,
    [subject_hash] nvarchar(64) NULL,
    [detail] nvarchar(max) NULL,
    CONSTRAINT [pk_audit_entries] PRIMARY KEY ([id])
);
GO

CREATE TABLE [shared_records] (
    [id] bigint NOT NULL IDENTITY,
    [source] nvarchar(40) NOT NULL,
    [subject_hash] nvarchar(64) NOT NULL,
    [attributes_json] nvarchar(max) NOT NULL,
    [valid_from] date NULL,
    [valid_to] date NULL,
    [imported_at] datetimeoffset NOT NULL,
    [batch] nvarchar(40) NOT NULL,
    CONSTRAINT [pk_shared_records] PRIMARY KEY ([id])
);
GO

CREATE INDEX [ix_audit_entries_at] ON [audit_entries] ([at]);
GO

CREATE INDEX [ix_audit_entries_subject_hash] ON [audit_entries] ([subject_hash]);
GO

CREATE INDEX [ix_shared_records_source_subject_hash] ON [shared_records] ([source], [subject_hash]);
GO

CREATE TRIGGER [audit_entries_no_change] ON [audit_entries] INSTEAD OF UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    THROW 50001, 'audit_entries is append-only', 1;
END;
GO
