-- costpipe query's totals of one property value, read from the sums per day (issue 14): report_day_property_sums
-- (V011) gains every sum of those totals, per day, property name and value. Batches written before hold zeros
-- here and another definition number (DayGrid.PROPERTIES), so they are never read again: the next report or
-- sum-days stores the days anew.
ALTER TABLE {db}.report_day_property_sums
    ADD COLUMN priced_n UInt64 DEFAULT 0,
    ADD COLUMN input_tokens_sum UInt64 DEFAULT 0,
    ADD COLUMN output_tokens_sum UInt64 DEFAULT 0,
    ADD COLUMN cache_read_tokens_sum UInt64 DEFAULT 0,
    ADD COLUMN cache_write_tokens_sum UInt64 DEFAULT 0,
    ADD COLUMN reasoning_tokens_sum UInt64 DEFAULT 0,
    ADD COLUMN cache_hits_n UInt64 DEFAULT 0,
    ADD COLUMN cache_savings_sum Int64 DEFAULT 0,
    ADD COLUMN unknown_model_n UInt64 DEFAULT 0,
    ADD COLUMN first_at DateTime DEFAULT toDateTime(0),
    ADD COLUMN last_at DateTime DEFAULT toDateTime(0)
