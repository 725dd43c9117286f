-- Image and video prompt tokens the cost record gained with issue 13: the part of input_tokens that is images
-- or video not read from a cache (cached images and video are cache_read_tokens), priced at a rate of their
-- own where the model has one (gpt-image-1, gemini-3.1-flash-live-preview), else at the input rate. Rows
-- written before read 0.
ALTER TABLE {db}.request_costs
    ADD COLUMN image_input_tokens UInt64 DEFAULT 0 AFTER server_tool_calls,
    ADD COLUMN video_input_tokens UInt64 DEFAULT 0 AFTER image_input_tokens
