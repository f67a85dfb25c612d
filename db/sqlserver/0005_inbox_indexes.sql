-- 0005_inbox_indexes (sqlserver): department inboxes read a page of (department, status) in due-date or creation order
-- straight from an index instead of sorting every matching task; the old (department, status) index is a prefix of both.
DROP INDEX [ix_workflow_tasks_department_status] ON [workflow_tasks];
GO

CREATE INDEX [ix_workflow_tasks_department_status_due_date_created_at_id] ON [workflow_tasks] ([department], [status], [due_date], [created_at], [id]);
GO

CREATE INDEX [ix_workflow_tasks_department_status_created_at_id] ON [workflow_tasks] ([department], [status], [created_at], [id]);
GO
