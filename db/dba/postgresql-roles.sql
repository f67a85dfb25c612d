-- PostgreSQL roles for ApprovalService (run by a DBA as a superuser, in the service's database; re-runnable).
-- Not a migration: SchemaMigrator only applies db/postgresql/NNNN_*.sql.
--
--   approval_owner    owns the schema objects: migrations run as this role
--                     (`dotnet Approval.Api.dll migrate` with its connection string), and so does `prune-audit`
--   approval_service  the running service (Database:MigrateOnStartup=false): reads and writes the business tables,
--                     but only INSERT and SELECT on the audit tables, so it cannot edit, delete or back-date audit rows
--                     and cannot lift the append-only triggers (only an owner can)
--
-- Give the roles passwords separately (ALTER ROLE ... PASSWORD ...), never in this file.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'approval_owner') THEN CREATE ROLE approval_owner LOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'approval_service') THEN CREATE ROLE approval_service LOGIN; END IF;
END
$$;

GRANT CREATE, USAGE ON SCHEMA public TO approval_owner;
GRANT USAGE ON SCHEMA public TO approval_service;
REVOKE CREATE ON SCHEMA public FROM approval_service;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO approval_service;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO approval_service;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_anchors FROM approval_service;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM approval_service;

-- tables a later migration creates (as approval_owner) are usable by the service; re-run this file after a migration
-- that adds an append-only table so that its UPDATE and DELETE are revoked too
ALTER DEFAULT PRIVILEGES FOR ROLE approval_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO approval_service;
ALTER DEFAULT PRIVILEGES FOR ROLE approval_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO approval_service;
