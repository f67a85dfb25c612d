-- 0003_applications_and_workflows (sqlserver): applications (办件), materials, notifications, complaint tasks, the holiday calendar, and the workflow runtime's tables (instances, items, tasks, durable timers, history).
CREATE TABLE [applications] (
    [id] uniqueidentifier NOT NULL,
    [receipt_number] nvarchar(32) NOT NULL,
    [bundle_code] nvarchar(64) NOT NULL,
    [bundle_version] nvarchar(64) NOT NULL,
    [channel] nvarchar(16) NOT NULL,
    [applicant_hash] nvarchar(64) NOT NULL,
    [company_hash] nvarchar(64) NULL,
    [submitted_by] nvarchar(128) NOT NULL,
    [facts_json] nvarchar(max) NOT NULL,
    [assessment_json] nvarchar(max) NOT NULL,
    [receipt_json] nvarchar(max) NOT NULL,
    [as_of] date NOT NULL,
    [idempotency_key] nvarchar(128) NULL,
    [request_hash] nvarchar(64) NULL,
    [submitted_at] bigint NOT NULL,
    [submitted_on] date NOT NULL,
    [status] nvarchar(32) NOT NULL,
    [combined_result_json] nvarchar(max) NULL,
    [rating] int NULL,
    [rating_comment] nvarchar(1000) NULL,
    [rated_at] bigint NULL,
    [version] bigint NOT NULL,
    CONSTRAINT [pk_applications] PRIMARY KEY ([id])
);
GO

CREATE TABLE [calendar_years] (
    [year] int NOT NULL,
    [source] nvarchar(400) NULL,
    [updated_at] bigint NOT NULL,
    [updated_by] nvarchar(128) NOT NULL,
    CONSTRAINT [pk_calendar_years] PRIMARY KEY ([year])
);
GO

CREATE TABLE [workflow_history] (
    [id] uniqueidentifier NOT NULL,
    [instance_id] uniqueidentifier NOT NULL,
    [seq] int NOT NULL,
    [at] bigint NOT NULL,
    [event] nvarchar(64) NOT NULL,
    [item_code] nvarchar(32) NULL,
    [task_id] uniqueidentifier NULL,
    [actor] nvarchar(128) NULL,
    [detail] nvarchar(max) NULL,
    CONSTRAINT [pk_workflow_history] PRIMARY KEY ([id])
);
GO

CREATE TABLE [workflow_instances] (
    [id] uniqueidentifier NOT NULL,
    [bundle_code] nvarchar(64) NOT NULL,
    [definition_version] nvarchar(64) NOT NULL,
    [channel] nvarchar(16) NOT NULL,
    [status] nvarchar(32) NOT NULL,
    [facts_json] nvarchar(max) NOT NULL,
    [acceptance_supplement_requested] bit NOT NULL,
    [created_at] bigint NOT NULL,
    [accepted_on] date NULL,
    [result_issued_at] bigint NULL,
    [ended_at] bigint NULL,
    [history_count] int NOT NULL,
    [version] bigint NOT NULL,
    CONSTRAINT [pk_workflow_instances] PRIMARY KEY ([id])
);
GO

CREATE TABLE [workflow_tasks] (
    [id] uniqueidentifier NOT NULL,
    [instance_id] uniqueidentifier NOT NULL,
    [item_code] nvarchar(32) NULL,
    [step_id] nvarchar(64) NOT NULL,
    [department] nvarchar(64) NOT NULL,
    [kind] nvarchar(32) NOT NULL,
    [status] nvarchar(16) NOT NULL,
    [waiting_for] nvarchar(256) NULL,
    [allowed_actions] nvarchar(256) NOT NULL,
    [created_at] bigint NOT NULL,
    [opened_on] date NULL,
    [limit_days] int NOT NULL,
    [due_date] date NULL,
    [reminded_at] bigint NULL,
    [escalated_at] bigint NULL,
    [action] nvarchar(64) NULL,
    [reason] nvarchar(max) NULL,
    [materials] nvarchar(max) NULL,
    [outputs_json] nvarchar(max) NULL,
    [decided_by] nvarchar(128) NULL,
    [decided_at] bigint NULL,
    CONSTRAINT [pk_workflow_tasks] PRIMARY KEY ([id])
);
GO

CREATE TABLE [workflow_timers] (
    [id] uniqueidentifier NOT NULL,
    [instance_id] uniqueidentifier NOT NULL,
    [kind] nvarchar(16) NOT NULL,
    [item_code] nvarchar(32) NULL,
    [task_id] uniqueidentifier NULL,
    [step_id] nvarchar(64) NULL,
    [due_at] bigint NOT NULL,
    [created_at] bigint NOT NULL,
    [lease_owner] nvarchar(128) NULL,
    [lease_until] bigint NULL,
    [fired_at] bigint NULL,
    [attempts] int NOT NULL,
    [last_error] nvarchar(max) NULL,
    CONSTRAINT [pk_workflow_timers] PRIMARY KEY ([id])
);
GO

CREATE TABLE [application_materials] (
    [id] uniqueidentifier NOT NULL,
    [application_id] uniqueidentifier NOT NULL,
    [material_code] nvarchar(64) NOT NULL,
    [file_name] nvarchar(255) NOT NULL,
    [content_type] nvarchar(100) NOT NULL,
    [size] bigint NOT NULL,
    [sha256] nvarchar(64) NOT NULL,
    [storage] nvarchar(16) NOT NULL,
    [location] nvarchar(400) NULL,
    [content] varbinary(max) NULL,
    [uploaded_by] nvarchar(128) NOT NULL,
    [uploaded_at] bigint NOT NULL,
    CONSTRAINT [pk_application_materials] PRIMARY KEY ([id]),
    CONSTRAINT [fk_application_materials_applications_application_id] FOREIGN KEY ([application_id]) REFERENCES [applications] ([id]) ON DELETE CASCADE
);
GO

CREATE TABLE [complaint_tasks] (
    [id] uniqueidentifier NOT NULL,
    [application_id] uniqueidentifier NOT NULL,
    [department] nvarchar(64) NOT NULL,
    [score] int NOT NULL,
    [comment] nvarchar(1000) NULL,
    [status] nvarchar(16) NOT NULL,
    [created_at] bigint NOT NULL,
    [due_date] date NOT NULL,
    [resolution] nvarchar(max) NULL,
    [resolved_by] nvarchar(128) NULL,
    [resolved_at] bigint NULL,
    CONSTRAINT [pk_complaint_tasks] PRIMARY KEY ([id]),
    CONSTRAINT [fk_complaint_tasks_applications_application_id] FOREIGN KEY ([application_id]) REFERENCES [applications] ([id]) ON DELETE CASCADE
);
GO

CREATE TABLE [notifications] (
    [id] bigint NOT NULL IDENTITY,
    [application_id] uniqueidentifier NOT NULL,
    [kind] nvarchar(32) NOT NULL,
    [recipient] nvarchar(80) NOT NULL,
    [item_code] nvarchar(32) NULL,
    [task_id] uniqueidentifier NULL,
    [message] nvarchar(max) NULL,
    [created_at] bigint NOT NULL,
    CONSTRAINT [pk_notifications] PRIMARY KEY ([id]),
    CONSTRAINT [fk_notifications_applications_application_id] FOREIGN KEY ([application_id]) REFERENCES [applications] ([id]) ON DELETE CASCADE
);
GO

CREATE TABLE [calendar_entries] (
    [id] bigint NOT NULL IDENTITY,
    [year] int NOT NULL,
    [kind] nvarchar(20) NOT NULL,
    [name] nvarchar(100) NULL,
    [from] date NOT NULL,
    [to] date NOT NULL,
    CONSTRAINT [pk_calendar_entries] PRIMARY KEY ([id]),
    CONSTRAINT [fk_calendar_entries_calendar_years_year] FOREIGN KEY ([year]) REFERENCES [calendar_years] ([year]) ON DELETE CASCADE
);
GO

CREATE TABLE [workflow_items] (
    [instance_id] uniqueidentifier NOT NULL,
    [code] nvarchar(32) NOT NULL,
    [status] nvarchar(32) NOT NULL,
    [step_id] nvarchar(64) NULL,
    [pending_timer_id] uniqueidentifier NULL,
    [outcome] nvarchar(32) NULL,
    [outcome_reason] nvarchar(max) NULL,
    [number] nvarchar(64) NULL,
    [decided_at] bigint NULL,
    [outputs_json] nvarchar(max) NOT NULL,
    [supplement_requested] bit NOT NULL,
    [supplement_materials] nvarchar(max) NULL,
    [resume_step_id] nvarchar(64) NULL,
    [resume_task_days] int NOT NULL,
    [objection_count] int NOT NULL,
    [review_flag] nvarchar(max) NULL,
    [clock_started_on] date NULL,
    [limit_days] int NOT NULL,
    [statutory_days] int NOT NULL,
    [used_days] int NOT NULL,
    [running_since] date NULL,
    [paused_on] date NULL,
    [due_date] date NULL,
    [statutory_due_date] date NULL,
    [pauses_json] nvarchar(max) NOT NULL,
    CONSTRAINT [pk_workflow_items] PRIMARY KEY ([instance_id], [code]),
    CONSTRAINT [fk_workflow_items_workflow_instances_instance_id] FOREIGN KEY ([instance_id]) REFERENCES [workflow_instances] ([id]) ON DELETE CASCADE
);
GO

CREATE INDEX [ix_application_materials_application_id_material_code] ON [application_materials] ([application_id], [material_code]);
GO

CREATE INDEX [ix_applications_applicant_hash] ON [applications] ([applicant_hash]);
GO

CREATE INDEX [ix_applications_company_hash] ON [applications] ([company_hash]);
GO

CREATE INDEX [ix_applications_submitted_on] ON [applications] ([submitted_on]);
GO

CREATE INDEX [ix_calendar_entries_year] ON [calendar_entries] ([year]);
GO

CREATE INDEX [ix_complaint_tasks_application_id] ON [complaint_tasks] ([application_id]);
GO

CREATE INDEX [ix_complaint_tasks_department_status] ON [complaint_tasks] ([department], [status]);
GO

CREATE INDEX [ix_notifications_application_id] ON [notifications] ([application_id]);
GO

CREATE INDEX [ix_notifications_recipient_created_at] ON [notifications] ([recipient], [created_at]);
GO

CREATE INDEX [ix_workflow_history_instance_id_seq] ON [workflow_history] ([instance_id], [seq]);
GO

CREATE INDEX [ix_workflow_instances_status] ON [workflow_instances] ([status]);
GO

CREATE INDEX [ix_workflow_tasks_department_status] ON [workflow_tasks] ([department], [status]);
GO

CREATE INDEX [ix_workflow_tasks_instance_id] ON [workflow_tasks] ([instance_id]);
GO

CREATE INDEX [ix_workflow_timers_fired_at_due_at] ON [workflow_timers] ([fired_at], [due_at]);
GO

CREATE INDEX [ix_workflow_timers_instance_id] ON [workflow_timers] ([instance_id]);
GO

CREATE UNIQUE INDEX [ix_applications_idempotency_key_submitted_by] ON [applications] ([idempotency_key], [submitted_by]) WHERE [idempotency_key] IS NOT NULL;
GO

CREATE UNIQUE INDEX [ix_applications_receipt_number] ON [applications] ([receipt_number]);
GO
