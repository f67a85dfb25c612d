-- 0006_personal_data_and_audit_chain (postgresql): encrypted personal-data columns are unbounded (limits are checked on
-- input), certificate numbers are found by keyed hash, and the audit is a hash chain (ids assigned under the append lock,
-- anchors left by pruning). Run as the owner role; the service role's grants are in db/dba/postgresql-roles.sql.
ALTER TABLE applications ALTER COLUMN rating_comment TYPE text;
ALTER TABLE application_materials ALTER COLUMN file_name TYPE text;
ALTER TABLE complaint_tasks ALTER COLUMN comment TYPE text;
ALTER TABLE workflow_items ALTER COLUMN number TYPE text;
ALTER TABLE workflow_items ADD COLUMN number_hash character varying(64);
CREATE INDEX ix_workflow_items_number_hash ON workflow_items (number_hash);

ALTER TABLE audit_entries ALTER COLUMN id DROP IDENTITY;
ALTER TABLE audit_entries ADD COLUMN prev_hash character varying(64);
ALTER TABLE audit_entries ADD COLUMN row_hash character varying(64);

CREATE TABLE audit_anchors (
    id bigint NOT NULL,
    through_hash character varying(64) NOT NULL,
    anchored_at timestamp with time zone NOT NULL,
    pruned_rows bigint NOT NULL,
    mac character varying(64) NOT NULL,
    CONSTRAINT pk_audit_anchors PRIMARY KEY (id)
);

CREATE TRIGGER audit_anchors_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_anchors
FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
