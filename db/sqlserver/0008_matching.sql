-- 0008_matching (sqlserver): proactive matching (免申即享): runs with their checkpoint, the matches they found, and invitations (one per person and bundle).
CREATE TABLE [matching_runs] (
    [id] uniqueidentifier NOT NULL,
    [bundle_code] nvarchar(64) NOT NULL,
    [bundle_version] nvarchar(64) NOT NULL,
    [as_of] date NOT NULL,
    [state] nvarchar(16) NOT NULL,
    [cursor] nvarchar(64) NULL,
    [total] int NOT NULL,
    [processed] int NOT NULL,
    [matched] int NOT NULL,
    [started_by] nvarchar(64) NOT NULL,
    [created_at] bigint NOT NULL,
    [started_at] bigint NULL,
    [finished_at] bigint NULL,
    [error] nvarchar(400) NULL,
    CONSTRAINT [pk_matching_runs] PRIMARY KEY ([id])
);
GO

CREATE TABLE [matching_invitations] (
    [id] bigint NOT NULL IDENTITY,
    [bundle_code] nvarchar(64) NOT NULL,
    [subject_hash] nvarchar(64) NOT NULL,
    [run_id] uniqueidentifier NOT NULL,
    [items_json] nvarchar(max) NOT NULL,
    [created_at] bigint NOT NULL,
    CONSTRAINT [pk_matching_invitations] PRIMARY KEY ([id])
);
GO

CREATE TABLE [matching_matches] (
    [id] bigint NOT NULL IDENTITY,
    [run_id] uniqueidentifier NOT NULL,
    [subject_hash] nvarchar(64) NOT NULL,
    [masked_name] nvarchar(40) NOT NULL,
    [masked_id] nvarchar(20) NULL,
    [items_json] nvarchar(max) NOT NULL,
    CONSTRAINT [pk_matching_matches] PRIMARY KEY ([id]),
    CONSTRAINT [fk_matching_matches_matching_runs_run_id] FOREIGN KEY ([run_id]) REFERENCES [matching_runs] ([id]) ON DELETE CASCADE
);
GO

CREATE UNIQUE INDEX [ix_matching_invitations_bundle_code_subject_hash] ON [matching_invitations] ([bundle_code], [subject_hash]);
GO

CREATE INDEX [ix_matching_invitations_run_id] ON [matching_invitations] ([run_id]);
GO

CREATE INDEX [ix_matching_invitations_subject_hash_created_at] ON [matching_invitations] ([subject_hash], [created_at]);
GO

CREATE UNIQUE INDEX [ix_matching_matches_run_id_subject_hash] ON [matching_matches] ([run_id], [subject_hash]);
GO

CREATE INDEX [ix_matching_runs_bundle_code_created_at] ON [matching_runs] ([bundle_code], [created_at]);
GO

CREATE INDEX [ix_matching_runs_state] ON [matching_runs] ([state]);
GO
