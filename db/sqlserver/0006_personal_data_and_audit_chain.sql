-- 0006_personal_data_and_audit_chain (sqlserver): encrypted personal-data columns are unbounded (limits are checked on
-- input), certificate numbers are found by keyed hash, and the audit is a hash chain (ids assigned under the append lock
-- and written with IDENTITY_INSERT, anchors left by pruning). Grants for the service role: db/dba/sqlserver-roles.sql.
ALTER TABLE [applications] ALTER COLUMN [rating_comment] nvarchar(max) NULL;
GO

ALTER TABLE [application_materials] ALTER COLUMN [file_name] nvarchar(max) NOT NULL;
GO

ALTER TABLE [complaint_tasks] ALTER COLUMN [comment] nvarchar(max) NULL;
GO

ALTER TABLE [workflow_items] ALTER COLUMN [number] nvarchar(max) NULL;
GO

ALTER TABLE [workflow_items] ADD [number_hash] nvarchar(64) NULL;
GO

CREATE INDEX [ix_workflow_items_number_hash] ON [workflow_items] ([number_hash]);
GO

ALTER TABLE [audit_entries] ADD [prev_hash] nvarchar(64) NULL, [row_hash] nvarchar(64) NULL;
GO

CREATE TABLE [audit_anchors] (
    [id] bigint NOT NULL,
    [through_hash] nvarchar(64) NOT NULL,
    [anchored_at] datetimeoffset NOT NULL,
    [pruned_rows] bigint NOT NULL,
    [mac] nvarchar(64) NOT NULL,
    CONSTRAINT [pk_audit_anchors] PRIMARY KEY ([id])
);
GO

CREATE TRIGGER [audit_anchors_no_change] ON [audit_anchors] INSTEAD OF UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    THROW 50001, 'audit_anchors is append-only', 1;
END;
GO
