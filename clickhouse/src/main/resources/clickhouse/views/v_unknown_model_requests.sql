-- Models the pricing catalogue does not know (pricing_status unknown_model), by provider and model as
-- called: what to add to the catalogue, then re-price (costpipe reprice).
CREATE VIEW IF NOT EXISTS {db}.v_unknown_model_requests AS
SELECT
    provider,
    model,
    count() AS requests,
    min(timestamp) AS first_seen,
    max(timestamp) AS last_seen,
    sum(input_tokens) AS total_input_tokens,
    sum(output_tokens) AS total_output_tokens,
    min(request_id) AS example_request_id
FROM {db}.request_costs FINAL
WHERE pricing_status = 'unknown_model'
GROUP BY provider, model
ORDER BY requests DESC, provider, model
