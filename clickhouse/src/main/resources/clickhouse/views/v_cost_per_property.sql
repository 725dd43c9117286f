-- Spend per custom property value (Helicone-Property-<Name>) and UTC day: a request with several
-- properties counts once under each of them.
CREATE VIEW IF NOT EXISTS {db}.v_cost_per_property AS
SELECT
    toDate(timestamp) AS day,
    property_key,
    property_value,
    count() AS requests,
    countIf(cost_nano_usd IS NULL) AS unpriced_requests,
    sum(ifNull(cost_nano_usd, 0)) AS total_cost_nano_usd,
    toDecimal128(sum(ifNull(cost_nano_usd, 0)), 9) / 1000000000 AS total_cost_usd
FROM {db}.request_costs FINAL
ARRAY JOIN property_keys AS property_key, property_values AS property_value
GROUP BY day, property_key, property_value
ORDER BY day, property_key, property_value
