-- SQL Server roles for ApprovalService (run by a DBA in the service's database; re-runnable). Not a migration.
--
--   the owner (db_owner, or a login mapped to a user in db_ddladmin) runs the migrations (`dotnet Approval.Api.dll migrate`)
--   and `prune-audit`; the service's user is a member of approval_service: read/write on the business tables, only
--   INSERT and SELECT on the audit tables (DENY UPDATE, DELETE), so it cannot edit, delete or back-date audit rows
--   and cannot disable the INSTEAD OF triggers (that needs ALTER on the table).
--
-- Known gap: audit ids are written with SET IDENTITY_INSERT, which needs ALTER on audit_entries; until the id column
-- loses its IDENTITY, grant ALTER on audit_entries to approval_service or run the service as an owner.
IF DATABASE_PRINCIPAL_ID('approval_service') IS NULL CREATE ROLE approval_service;
GO
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::dbo TO approval_service;
GO
DENY UPDATE, DELETE ON dbo.audit_entries TO approval_service;
DENY UPDATE, DELETE ON dbo.audit_anchors TO approval_service;
DENY INSERT, UPDATE, DELETE ON dbo.schema_migrations TO approval_service;
GO
-- then: CREATE USER [approval-service-login] FOR LOGIN [approval-service-login]; ALTER ROLE approval_service ADD MEMBER [approval-service-login];
