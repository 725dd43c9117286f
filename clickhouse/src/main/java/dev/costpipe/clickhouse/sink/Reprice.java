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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-prices stored requests server-side ({@code costpipe reprice --from DATE --to DATE}): the (provider,
 * model) pairs of the range are read first, only those the registry resolves get SQL
 * ({@link ClickHouseCostSql#caseExpression}), {@value #PAIRS_PER_QUERY} pairs per query (the CASE form
 * grows a branch per endpoint, past 18.16's {@code max_query_size} from about 1,200, and every row pays
 * every branch of its query), and every row whose cost changes is inserted again with a newer
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
  /** Pairs priced by one query: a few hundred KB of SQL at most, and rows pay for 100 branches, not thousands. */
  static final int PAIRS_PER_QUERY = 100;
  private static final Logger LOG = LoggerFactory.getLogger(Reprice.class);

  /**
   * Requests in the range, how many were (or would be) re-priced, the range's total cost before and after,
   * and the {@code unknown_model} requests that stay so, per {@code provider/model} (most first).
   */
  public record Result(long rowsInRange, long rowsRepriced, long oldTotalNanoUsd, long newTotalNanoUsd,
      Map<String, Long> stillUnknown) {

    public long stillUnknownRows() {
      return stillUnknown.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final StatementRunner statements;
  private final String database;

  public Reprice(Client client, String database) {
    this(StatementRunner.of(client), database);
  }

  /** A re-pricing sending its statements to {@code statements} (in tests: ClickHouse 26 through chDB). */
  public Reprice(StatementRunner statements, String database) {
    this.statements = statements;
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

    long rowsInRange = 0;
    long oldTotal = 0;
    Map<String, Long> unknown = new HashMap<>();
    List<ProviderModel> resolved = new ArrayList<>();
    for (JsonNode row : statements.query("SELECT provider, model, count() AS n,"
        + " sum(ifNull(cost_nano_usd, 0)) AS total, countIf(pricing_status = 'unknown_model') AS unknown FROM "
        + table + " FINAL WHERE " + range + " GROUP BY provider, model FORMAT JSONEachRow")) {
      rowsInRange += row.get("n").asLong();
      oldTotal += row.get("total").asLong();
      String provider = row.get("provider").isNull() ? null : row.get("provider").asText();
      String model = row.get("model").isNull() ? null : row.get("model").asText();
      unknown.merge(label(provider, model), row.get("unknown").asLong(), Long::sum);
      if (provider != null && model != null && registry.resolve(provider, model, null).isPresent()) {
        resolved.add(new ProviderModel(provider, model));
      }
    }

    long rowsRepriced = 0;
    long delta = 0;
    for (int i = 0; i < resolved.size(); i += PAIRS_PER_QUERY) {
      List<ProviderModel> pairs = resolved.subList(i, Math.min(resolved.size(), i + PAIRS_PER_QUERY));
      String rows = "SELECT *, " + ClickHouseCostSql.caseExpression(registry, pairs) + " AS repriced_cost, "
          + modelKey(registry, pairs) + " AS repriced_model_key,"
          + " pricing_status IN ('priced', 'unknown_model') AND cache_hit = 0 AND usage_source != 'none'"
          + " AND isNotNull(repriced_cost)"
          + " AND (isNull(cost_nano_usd) OR ifNull(repriced_cost, 0) != ifNull(cost_nano_usd, 0)) AS repriced"
          + " FROM " + table + " FINAL WHERE " + range + " AND " + among(pairs);
      long chunkRepriced = 0;
      for (JsonNode row : statements.query("SELECT provider, model, countIf(repriced) AS repriced_rows,"
          + " countIf(repriced AND pricing_status = 'unknown_model') AS unknown_repriced,"
          + " sum(if(repriced, ifNull(repriced_cost, 0) - ifNull(cost_nano_usd, 0), 0)) AS delta"
          + " FROM (" + rows + ") GROUP BY provider, model FORMAT JSONEachRow")) {
        chunkRepriced += row.get("repriced_rows").asLong();
        delta += row.get("delta").asLong();
        unknown.merge(label(row.get("provider").asText(), row.get("model").asText()),
            -row.get("unknown_repriced").asLong(), Long::sum);
      }
      rowsRepriced += chunkRepriced;
      if (!dryRun && chunkRepriced > 0) {
        insertRepriced(table, rows);
      }
    }
    Map<String, Long> stillUnknown = new LinkedHashMap<>();
    unknown.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> stillUnknown.put(e.getKey(), e.getValue()));
    Result result = new Result(rowsInRange, rowsRepriced, oldTotal, oldTotal + delta, stillUnknown);
    LOG.info("re-priced {} of {} requests from {} to {}{}: total {} → {} nano-USD; {} still of unknown model",
        result.rowsRepriced(), result.rowsInRange(), from, to, dryRun ? " (dry run)" : "", result.oldTotalNanoUsd(),
        result.newTotalNanoUsd(), result.stillUnknownRows());
    return result;
  }

  private void insertRepriced(String table, String rows) {
    statements.execute("INSERT INTO " + table + " (request_id, timestamp, provider, model,"
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

  /** {@code provider/model} as reported; {@code ?} for a missing part. */
  private static String label(String provider, String model) {
    return (provider == null ? "?" : provider) + "/" + (model == null ? "?" : model);
  }

  /** The rows of these pairs, by exact match of both columns. */
  private static String among(List<ProviderModel> pairs) {
    StringJoiner tuples = new StringJoiner(", ", "(provider, model) IN (", ")");
    for (ProviderModel p : pairs) {
      tuples.add("(" + SqlLiterals.string(p.provider()) + ", " + SqlLiterals.string(p.model()) + ")");
    }
    return tuples.toString();
  }

  /** Every usage column, copied as it is into the re-priced row. */
  private static String usageColumns() {
    return String.join(", ", SinkRows.USAGE_FIELDS) + ", " + String.join(", ", SinkRows.LATER_USAGE_FIELDS) + ", "
        + String.join(", ", SinkRows.USAGE_TEXT_FIELDS);
  }

  /** The pricing entry each present pair resolves to, as a multiIf; unresolved pairs keep their model_key. */
  private static String modelKey(PricingRegistry registry, List<ProviderModel> pairs) {
    List<String> branches = new ArrayList<>();
    for (ProviderModel pair : pairs) {
      Optional<PriceMatch> match = registry.resolve(pair.provider(), pair.model(), null);
      match.ifPresent(m -> branches.add("provider = " + SqlLiterals.string(pair.provider()) + " AND model = "
          + SqlLiterals.string(pair.model()) + ", " + SqlLiterals.string(m.modelKey())));
    }
    return branches.isEmpty() ? "model_key" : "multiIf(" + String.join(", ", branches) + ", model_key)";
  }
}
