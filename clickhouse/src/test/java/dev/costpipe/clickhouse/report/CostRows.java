package dev.costpipe.clickhouse.report;

import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Test rows of {@code request_costs}, built field by field and inserted as JSONEachRow through client-v2
 * (Jackson encodes every string, so hostile values arrive byte for byte). The table itself is created by
 * the sink's {@link ClickHouseMigrations}.
 */
final class CostRows {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private CostRows() {}

    /** A fresh database with the sink's tables: {@code report_<prefix>_<random>}. */
    static String createDatabase(ClickHouseTestServer server, String prefix) {
        String database = "report_" + prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        new ClickHouseMigrations(server.client(), database).migrate();
        return database;
    }

    static void dropDatabase(ClickHouseTestServer server, String database) {
        server.execute("DROP DATABASE IF EXISTS " + database);
    }

    static void insert(ClickHouseTestServer server, String database, List<Row> rows) {
        StringBuilder body = new StringBuilder();
        for (Row row : rows) {
            body.append(row.json()).append('\n');
        }
        try {
            server.client().insert(database + ".request_costs",
                            new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8)),
                            ClickHouseFormat.JSONEachRow)
                    .get(30, TimeUnit.SECONDS)
                    .close();
        } catch (Exception e) {
            throw new IllegalStateException("insert failed", e);
        }
    }

    static Row row(String requestId, String timestamp) {
        return new Row(requestId, timestamp);
    }

    /** One row; defaults: openai/gpt-4o-mini, priced from provider usage, no user, no session, no properties. */
    static final class Row {
        final String requestId;
        final String timestamp;
        String provider = "openai";
        String model = "gpt-4o-mini";
        String modelKey = "openai/gpt-4o-mini";
        String userId;
        String sessionId;
        String sessionName;
        String sessionPath;
        final Map<String, String> properties = new LinkedHashMap<>();
        Integer status = 200;
        boolean streamed;
        boolean cacheHit;
        long inputTokens;
        long outputTokens;
        long cacheReadTokens;
        long cacheWriteTokens;
        long cacheWrite1hTokens;
        long reasoningTokens;
        String usageSource = "provider";
        String pricingStatus = "priced";
        Long costNanoUsd = 0L;
        final Map<String, Long> breakdown = new LinkedHashMap<>();
        long cacheSavingsNanoUsd;
        final List<String> errors = new ArrayList<>();
        String ingestedAt = "2026-11-30 00:00:00";

        Row(String requestId, String timestamp) {
            this.requestId = requestId;
            this.timestamp = timestamp;
        }

        /** The model as called, its provider and pricing key. */
        Row model(String provider, String model, String modelKey) {
            this.provider = provider;
            this.model = model;
            this.modelKey = modelKey;
            return this;
        }

        Row user(String value) {
            this.userId = value;
            return this;
        }

        Row session(String id, String name, String path) {
            this.sessionId = id;
            this.sessionName = name;
            this.sessionPath = path;
            return this;
        }

        Row property(String name, String value) {
            properties.put(name, value);
            return this;
        }

        Row tokens(long input, long output) {
            this.inputTokens = input;
            this.outputTokens = output;
            return this;
        }

        Row cacheRead(long tokens) {
            this.cacheReadTokens = tokens;
            return this;
        }

        Row cacheWrite(long tokens, long tokens1h) {
            this.cacheWriteTokens = tokens;
            this.cacheWrite1hTokens = tokens1h;
            return this;
        }

        Row reasoning(long tokens) {
            this.reasoningTokens = tokens;
            return this;
        }

        /** Priced: the cost is the sum of the breakdown's parts (component, nano-USD, component, nano-USD…). */
        Row cost(Object... parts) {
            breakdown.clear();
            long total = 0;
            for (int i = 0; i < parts.length; i += 2) {
                long amount = ((Number) parts[i + 1]).longValue();
                breakdown.put((String) parts[i], amount);
                total += amount;
            }
            this.costNanoUsd = total;
            this.pricingStatus = "priced";
            return this;
        }

        Row cacheHit(long savings) {
            this.cacheHit = true;
            this.costNanoUsd = 0L;
            this.breakdown.clear();
            this.cacheSavingsNanoUsd = savings;
            return this;
        }

        Row savings(long nanoUsd) {
            this.cacheSavingsNanoUsd = nanoUsd;
            return this;
        }

        Row unknownModel() {
            this.modelKey = null;
            this.pricingStatus = "unknown_model";
            this.costNanoUsd = null;
            this.breakdown.clear();
            this.errors.add("unknown model: " + provider + "/" + model);
            return this;
        }

        Row noUsage(int httpStatus) {
            this.status = httpStatus;
            this.pricingStatus = "no_usage";
            this.usageSource = "none";
            this.costNanoUsd = null;
            this.breakdown.clear();
            this.errors.add("no usage: status " + httpStatus);
            return this;
        }

        Row estimated() {
            this.usageSource = "estimated";
            return this;
        }

        Row ingestedAt(String value) {
            this.ingestedAt = value;
            return this;
        }

        String json() {
            ObjectNode n = JSON.createObjectNode();
            n.put("request_id", requestId);
            n.put("timestamp", timestamp);
            n.put("provider", provider);
            n.put("model", model);
            n.put("model_key", modelKey);
            n.put("user_id", userId);
            n.put("session_id", sessionId);
            n.put("session_name", sessionName);
            n.put("session_path", sessionPath);
            ArrayNode keys = n.putArray("property_keys");
            ArrayNode values = n.putArray("property_values");
            properties.forEach((k, v) -> {
                keys.add(k);
                values.add(v);
            });
            n.put("status", status);
            n.put("streamed", streamed ? 1 : 0);
            n.put("cache_hit", cacheHit ? 1 : 0);
            n.put("input_tokens", inputTokens);
            n.put("output_tokens", outputTokens);
            n.put("cache_read_tokens", cacheReadTokens);
            n.put("cache_write_tokens", cacheWriteTokens);
            n.put("cache_write_1h_tokens", cacheWrite1hTokens);
            n.put("reasoning_tokens", reasoningTokens);
            for (String column : List.of("audio_input_tokens", "audio_output_tokens", "web_search_calls", "images")) {
                n.put(column, 0);
            }
            n.put("usage_source", usageSource);
            n.put("pricing_status", pricingStatus);
            if (costNanoUsd == null) {
                n.putNull("cost_nano_usd");
                n.putNull("cost_usd");
            } else {
                n.put("cost_nano_usd", costNanoUsd);
                n.put("cost_usd", BigDecimal.valueOf(costNanoUsd, 9));
            }
            ArrayNode parts = n.putArray("cost_breakdown_keys");
            ArrayNode amounts = n.putArray("cost_breakdown_values");
            breakdown.forEach((k, v) -> {
                parts.add(k);
                amounts.add(v);
            });
            n.put("cache_savings_nano_usd", cacheSavingsNanoUsd);
            ArrayNode errorArray = n.putArray("errors");
            errors.forEach(errorArray::add);
            n.put("ingested_at", ingestedAt);
            return n.toString();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Row[%s]", requestId);
        }
    }
}
