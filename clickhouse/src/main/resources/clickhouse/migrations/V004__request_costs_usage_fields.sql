-- Usage the cost record gained with issue 13: image-output tokens (part of output_tokens), cached audio
-- (part of cache_read_tokens and of audio_input_tokens), search sources (xAI Live Search), server tool calls
-- billed per call (xAI X search, code execution), and the billing
-- mode: service_tier ('' standard, else flex, priority, scale, batch, fast) and inference_geo ('' unless
-- the region has its own price). Rows written before read 0 and ''.
ALTER TABLE {db}.request_costs
    ADD COLUMN image_output_tokens UInt64 DEFAULT 0 AFTER images,
    ADD COLUMN cache_read_audio_tokens UInt64 DEFAULT 0 AFTER image_output_tokens,
    ADD COLUMN search_sources UInt64 DEFAULT 0 AFTER cache_read_audio_tokens,
    ADD COLUMN server_tool_calls UInt64 DEFAULT 0 AFTER search_sources,
    ADD COLUMN service_tier String DEFAULT '' AFTER server_tool_calls,
    ADD COLUMN inference_geo String DEFAULT '' AFTER service_tier
