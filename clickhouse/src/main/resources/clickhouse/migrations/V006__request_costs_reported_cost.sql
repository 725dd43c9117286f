-- The cost a usage event's source reported itself (issue 15: LiteLLM's response_cost, a gateway's figure), in
-- nano-USD, beside costpipe's own cost_nano_usd for comparison; never the price. NULL when the source reported
-- none, and for every row written before.
ALTER TABLE {db}.request_costs
    ADD COLUMN reported_cost_nano_usd Nullable(Int64) AFTER revision
