-- 0004_receipt_counters (sqlite)
CREATE TABLE "receipt_counters" (
    "day" TEXT NOT NULL CONSTRAINT "pk_receipt_counters" PRIMARY KEY,
    "last_value" INTEGER NOT NULL
);
