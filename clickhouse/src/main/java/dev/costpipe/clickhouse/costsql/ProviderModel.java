package dev.costpipe.clickhouse.costsql;

import java.util.Objects;

/**
 * A (provider, model) pair exactly as stored in a {@code request_costs} row: what
 * {@link ClickHouseCostSql#caseExpression} resolves in Java and matches in SQL by string equality.
 */
public record ProviderModel(String provider, String model) {

  public ProviderModel {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
  }
}
