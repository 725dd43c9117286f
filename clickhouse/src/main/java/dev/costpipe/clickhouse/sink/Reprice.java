package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.pricing.PriceMatch;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.clickhouse.costsql.ClickHouseCostSql;
import dev.costpipe.clickhouse.costsql.ProviderModel;
import dev.costpipe.clickhouse.costsql.SqlLiterals;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-prices stored requests server-side ({@code costpipe reprice --from DATE --to DATE}): the (provider,
 * model) pairs of the range are read with a {@code SELECT DISTINCT}, {@link ClickHouseCostSql#caseExpression}
 * prices them from the given registry, and every row whose cost changes is inserted again with a newer
 * {@code ingested_at}, so it replaces the old row (ReplacingMergeTree; the views read FINAL).
 *
 * <p>Rows re-priced: {@code pricing_status} {@code priced} or {@code unknown_model}, with usage, not a
 * response-cache hit, whose pair the registry now resolves and whose cost differs (or was NULL). They get
 * the new {@code cost_nano_usd} / {@code cost_usd}, {@code model_key} of the resolved entry,
 * {@code pricing_status = 'priced'}, the {@code unknown model: …} error removed, and a one-part breakdown
 * {@code {"repriced": cost}} (the server computes the total only). Left as they are: provider-reported
 * costs, cache hits (they cost 0) and {@code cache_savings_nano_usd}. Deployment-specific prices are not
 * applied (the table has no deployment column). A later re-delivery of the original Kafka record would
 * bring the old price back; re-price after replays.
 */
public final class Reprice {
  private static final Logger LOG = LoggerFactory.getLogger(Reprice.class);

  /** Requests in the range, how many were (or would be) re-priced, and the range's total cost before and after. */
  public record Result(long rowsInRange, long rowsRepriced, long oldTotalNanoUsd, long newTotalNanoUsd) {}

  private final Client client;
  private final String database;

  public Reprice(Client client, String database) {
    this.client = client;
    this.database = database;
  }

  /** For the command line: re-prices the UTC days {@code from} to {@code toInclusive} with a client from {@code config}. */
  public static Result run(ClickHouseSinkConfig config, PricingRegistry registry, LocalDate from, LocalDate toInclusive,
      boolean dryRun) {
    Client client = config.newClient();
    try {
      return new Reprice(client, config.database()).reprice(registry, from, toInclusive, dryRun);
    } finally {
      client.close();
    }
  }

  /** Re-prices the requests of the UTC days {@code from} to {@code toInclusive}. */
  public Result reprice(PricingRegistry registry, LocalDate from, LocalDate toInclusive, boolean dryRun) {
    return reprice(registry, from.atStartOfDay(ZoneOffset.UTC).toInstant(),
        toInclusive.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), dryRun);
  }

  /** Re-prices the requests with {@code from <= timestamp < to}; with {@code dryRun} only counts. */
  public Result reprice(PricingRegistry registry, Instant from, Instant to, boolean dryRun) {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("--from must be before --to");
    }
    long fromSecond = Math.max(0, from.getEpochSecond());
    long toSecond = Math.min(RecordFields.MAX_DATETIME + 1, to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0));
    String table = database + ".request_costs";
    String range = "timestamp >= toDateTime(" + fromSecond + ", 'UTC') AND toUInt32(timestamp) < " + toSecond;

    Set<ProviderModel> pairs = new LinkedHashSet<>();
    for (JsonNode row : ClickHouseStatements.query(client, "SELECT DISTINCT provider, model FROM " + table
        + " WHERE " + range + " AND provider IS NOT NULL AND model IS NOT NULL FORMAT JSONEachRow")) {
      pairs.add(new ProviderModel(row.get("provider").asText(), row.get("model").asText()));
    }
    String cost = ClickHouseCostSql.caseExpression(registry, pairs);
    String rows = "SELECT *, " + cost + " AS repriced_cost, " + modelKey(registry, pairs) + " AS repriced_model_key,"
        + " pricing_status IN ('priced', 'unknown_model') AND cache_hit = 0 AND usage_source != 'none'"
        + " AND isNotNull(repriced_cost)"
        + " AND (isNull(cost_nano_usd) OR ifNull(repriced_cost, 0) != ifNull(cost_nano_usd, 0)) AS repriced"
        + " FROM " + table + " FINAL WHERE " + range;

    JsonNode summary = ClickHouseStatements.query(client, "SELECT count() AS rows_in_range,"
        + " countIf(repriced) AS rows_repriced, sum(ifNull(cost_nano_usd, 0)) AS old_total,"
        + " sum(if(repriced, ifNull(repriced_cost, 0), ifNull(cost_nano_usd, 0))) AS new_total"
        + " FROM (" + rows + ") FORMAT JSONEachRow").get(0);
    Result result = new Result(summary.get("rows_in_range").asLong(), summary.get("rows_repriced").asLong(),
        summary.get("old_total").asLong(), summary.get("new_total").asLong());

    if (!dryRun && result.rowsRepriced() > 0) {
      ClickHouseStatements.execute(client, "INSERT INTO " + table + " (request_id, timestamp, provider, model,"
          + " model_key, user_id, session_id, session_name, session_path, property_keys, property_values, status,"
          + " streamed, cache_hit, " + usageColumns() + ", usage_source, pricing_status,"
          + " cost_nano_usd, cost_usd, cost_breakdown_keys, cost_breakdown_values, cache_savings_nano_usd, errors,"
          + " revision, reported_cost_nano_usd, ingested_at)"
          + " SELECT request_id, timestamp, provider, model, repriced_model_key, user_id, session_id, session_name,"
          + " session_path, property_keys, property_values, status, streamed, cache_hit, "
          + usageColumns() + ", usage_source, 'priced', repriced_cost,"
          + " CAST(toDecimal128(repriced_cost, 9) / 1000000000 AS Nullable(Decimal(18, 9))),"
          + " ['repriced'], [ifNull(repriced_cost, 0)], cache_savings_nano_usd,"
          + " arrayFilter(e -> NOT (e LIKE 'unknown model:%'), errors), revision, reported_cost_nano_usd,"
          + " toDateTime(greatest(toUInt32(now()), toUInt32(ingested_at) + 1), 'UTC')"
          + " FROM (" + rows + ") WHERE repriced");
    }
    LOG.info("re-priced {} of {} requests from {} to {}{}: total {} → {} nano-USD", result.rowsRepriced(),
        result.rowsInRange(), from, to, dryRun ? " (dry run)" : "", result.oldTotalNanoUsd(), result.newTotalNanoUsd());
    return result;
  }

  /** Every usage column, copied as it is into the re-priced row. */
  private static String usageColumns() {
    return String.join(", ", SinkRows.USAGE_FIELDS) + ", " + String.join(", ", SinkRows.LATER_USAGE_FIELDS) + ", "
        + String.join(", ", SinkRows.USAGE_TEXT_FIELDS);
  }

  /** The pricing entry each present pair resolves to, as a multiIf; unresolved pairs keep their model_key. */
  private static String modelKey(PricingRegistry registry, Set<ProviderModel> pairs) {
    List<String> branches = new ArrayList<>();
    for (ProviderModel pair : pairs) {
      Optional<PriceMatch> match = registry.resolve(pair.provider(), pair.model(), null);
      match.ifPresent(m -> branches.add("provider = " + SqlLiterals.string(pair.provider()) + " AND model = "
          + SqlLiterals.string(pair.model()) + ", " + SqlLiterals.string(m.modelKey())));
    }
    return branches.isEmpty() ? "model_key" : "multiIf(" + String.join(", ", branches) + ", model_key)";
  }
}
