-- 0004_receipt_counters (sqlserver)
CREATE TABLE [receipt_counters] (
    [day] date NOT NULL,
    [last_value] bigint NOT NULL,
    CONSTRAINT [pk_receipt_counters] PRIMARY KEY ([day])
);
GO
