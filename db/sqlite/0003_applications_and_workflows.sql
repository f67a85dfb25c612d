-- 0003_applications_and_workflows (sqlite): applications (办件), materials, notifications, complaint tasks, the holiday calendar, and the workflow runtime's tables (instances, items, tasks, durable timers, history).
CREATE TABLE "applications" (
    "id" TEXT NOT NULL CONSTRAINT "pk_applications" PRIMARY KEY,
    "receipt_number" TEXT NOT NULL,
    "bundle_code" TEXT NOT NULL,
    "bundle_version" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "applicant_hash" TEXT NOT NULL,
    "company_hash" TEXT NULL,
    "submitted_by" TEXT NOT NULL,
    "facts_json" TEXT NOT NULL,
    "assessment_json" TEXT NOT NULL,
    "receipt_json" TEXT NOT NULL,
    "as_of" TEXT NOT NULL,
    "idempotency_key" TEXT NULL,
    "request_hash" TEXT NULL,
    "submitted_at" INTEGER NOT NULL,
    "submitted_on" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "combined_result_json" TEXT NULL,
    "rating" INTEGER NULL,
    "rating_comment" TEXT NULL,
    "rated_at" INTEGER NULL,
    "version" INTEGER NOT NULL
);

CREATE TABLE "calendar_years" (
    "year" INTEGER NOT NULL CONSTRAINT "pk_calendar_years" PRIMARY KEY,
    "source" TEXT NULL,
    "updated_at" INTEGER NOT NULL,
    "updated_by" TEXT NOT NULL
);

CREATE TABLE "workflow_history" (
    "id" TEXT NOT NULL CONSTRAINT "pk_workflow_history" PRIMARY KEY,
    "instance_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "item_code" TEXT NULL,
    "task_id" TEXT NULL,
    "actor" TEXT NULL,
    "detail" TEXT NULL
);

CREATE TABLE "workflow_instances" (
    "id" TEXT NOT NULL CONSTRAINT "pk_workflow_instances" PRIMARY KEY,
    "bundle_code" TEXT NOT NULL,
    "definition_version" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "facts_json" TEXT NOT NULL,
    "acceptance_supplement_requested" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL,
    "accepted_on" TEXT NULL,
    "result_issued_at" INTEGER NULL,
    "ended_at" INTEGER NULL,
    "history_count" INTEGER NOT NULL,
    "version" INTEGER NOT NULL
);

CREATE TABLE "workflow_tasks" (
    "id" TEXT NOT NULL CONSTRAINT "pk_workflow_tasks" PRIMARY KEY,
    "instance_id" TEXT NOT NULL,
    "item_code" TEXT NULL,
    "step_id" TEXT NOT NULL,
    "department" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "waiting_for" TEXT NULL,
    "allowed_actions" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "opened_on" TEXT NULL,
    "limit_days" INTEGER NOT NULL,
    "due_date" TEXT NULL,
    "reminded_at" INTEGER NULL,
    "escalated_at" INTEGER NULL,
    "action" TEXT NULL,
    "reason" TEXT NULL,
    "materials" TEXT NULL,
    "outputs_json" TEXT NULL,
    "decided_by" TEXT NULL,
    "decided_at" INTEGER NULL
);

CREATE TABLE "workflow_timers" (
    "id" TEXT NOT NULL CONSTRAINT "pk_workflow_timers" PRIMARY KEY,
    "instance_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "item_code" TEXT NULL,
    "task_id" TEXT NULL,
    "step_id" TEXT NULL,
    "due_at" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL,
    "lease_owner" TEXT NULL,
    "lease_until" INTEGER NULL,
    "fired_at" INTEGER NULL,
    "attempts" INTEGER NOT NULL,
    "last_error" TEXT NULL
);

CREATE TABLE "application_materials" (
    "id" TEXT NOT NULL CONSTRAINT "pk_application_materials" PRIMARY KEY,
    "application_id" TEXT NOT NULL,
    "material_code" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "storage" TEXT NOT NULL,
    "location" TEXT NULL,
    "content" BLOB NULL,
    "uploaded_by" TEXT NOT NULL,
    "uploaded_at" INTEGER NOT NULL,
    CONSTRAINT "fk_application_materials_applications_application_id" FOREIGN KEY ("application_id") REFERENCES "applications" ("id") ON DELETE CASCADE
);

CREATE TABLE "complaint_tasks" (
    "id" TEXT NOT NULL CONSTRAINT "pk_complaint_tasks" PRIMARY KEY,
    "application_id" TEXT NOT NULL,
    "department" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT NULL,
    "status" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "due_date" TEXT NOT NULL,
    "resolution" TEXT NULL,
    "resolved_by" TEXT NULL,
    "resolved_at" INTEGER NULL,
    CONSTRAINT "fk_complaint_tasks_applications_application_id" FOREIGN KEY ("application_id") REFERENCES "applications" ("id") ON DELETE CASCADE
);

CREATE TABLE "notifications" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_notifications" PRIMARY KEY AUTOINCREMENT,
    "application_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "item_code" TEXT NULL,
    "task_id" TEXT NULL,
    "message" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_notifications_applications_application_id" FOREIGN KEY ("application_id") REFERENCES "applications" ("id") ON DELETE CASCADE
);

CREATE TABLE "calendar_entries" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_calendar_entries" PRIMARY KEY AUTOINCREMENT,
    "year" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    CONSTRAINT "fk_calendar_entries_calendar_years_year" FOREIGN KEY ("year") REFERENCES "calendar_years" ("year") ON DELETE CASCADE
);

CREATE TABLE "workflow_items" (
    "instance_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "step_id" TEXT NULL,
    "pending_timer_id" TEXT NULL,
    "outcome" TEXT NULL,
    "outcome_reason" TEXT NULL,
    "number" TEXT NULL,
    "decided_at" INTEGER NULL,
    "outputs_json" TEXT NOT NULL,
    "supplement_requested" INTEGER NOT NULL,
    "supplement_materials" TEXT NULL,
    "resume_step_id" TEXT NULL,
    "resume_task_days" INTEGER NOT NULL,
    "objection_count" INTEGER NOT NULL,
    "review_flag" TEXT NULL,
    "clock_started_on" TEXT NULL,
    "limit_days" INTEGER NOT NULL,
    "statutory_days" INTEGER NOT NULL,
    "used_days" INTEGER NOT NULL,
    "running_since" TEXT NULL,
    "paused_on" TEXT NULL,
    "due_date" TEXT NULL,
    "statutory_due_date" TEXT NULL,
    "pauses_json" TEXT NOT NULL,
    CONSTRAINT "pk_workflow_items" PRIMARY KEY ("instance_id", "code"),
    CONSTRAINT "fk_workflow_items_workflow_instances_instance_id" FOREIGN KEY ("instance_id") REFERENCES "workflow_instances" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_application_materials_application_id_material_code" ON "application_materials" ("application_id", "material_code");

CREATE INDEX "ix_applications_applicant_hash" ON "applications" ("applicant_hash");

CREATE INDEX "ix_applications_company_hash" ON "applications" ("company_hash");

CREATE UNIQUE INDEX "ix_applications_idempotency_key_submitted_by" ON "applications" ("idempotency_key", "submitted_by");

CREATE UNIQUE INDEX "ix_applications_receipt_number" ON "applications" ("receipt_number");

CREATE INDEX "ix_applications_submitted_on" ON "applications" ("submitted_on");

CREATE INDEX "ix_calendar_entries_year" ON "calendar_entries" ("year");

CREATE INDEX "ix_complaint_tasks_application_id" ON "complaint_tasks" ("application_id");

CREATE INDEX "ix_complaint_tasks_department_status" ON "complaint_tasks" ("department", "status");

CREATE INDEX "ix_notifications_application_id" ON "notifications" ("application_id");

CREATE INDEX "ix_notifications_recipient_created_at" ON "notifications" ("recipient", "created_at");

CREATE INDEX "ix_workflow_history_instance_id_seq" ON "workflow_history" ("instance_id", "seq");

CREATE INDEX "ix_workflow_instances_status" ON "workflow_instances" ("status");

CREATE INDEX "ix_workflow_tasks_department_status" ON "workflow_tasks" ("department", "status");

CREATE INDEX "ix_workflow_tasks_instance_id" ON "workflow_tasks" ("instance_id");

CREATE INDEX "ix_workflow_timers_fired_at_due_at" ON "workflow_timers" ("fired_at", "due_at");

CREATE INDEX "ix_workflow_timers_instance_id" ON "workflow_timers" ("instance_id");
