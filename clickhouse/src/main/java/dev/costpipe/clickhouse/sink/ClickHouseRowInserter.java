package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.data.ClickHouseFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Inserts rows over ClickHouse's HTTP interface (client-v2; the sink owns and closes the client), telling
 * refusals from outages by {@link ClickHouseErrors}.
 */
final class ClickHouseRowInserter implements RowInserter {
  private final Client client;
  private final ClickHouseSinkConfig config;

  ClickHouseRowInserter(Client client, ClickHouseSinkConfig config) {
    this.client = client;
    this.config = config;
  }

  @Override
  public void insert(SinkTable table, List<byte[]> rows) throws InsertFailure, InterruptedException {
    Throwable failure;
    try (InsertResponse ignored = client.insert(config.table(table.tableName()), new RowsInputStream(rows),
        ClickHouseFormat.JSONEachRow).get()) {
      return;
    } catch (ExecutionException e) {
      failure = e.getCause() == null ? e : e.getCause();
    } catch (RuntimeException e) {
      failure = e;
    }
    String message = ClickHouseErrors.describe(failure);
    throw ClickHouseErrors.classify(failure) == ClickHouseErrors.Kind.OUTAGE
        ? InsertFailure.outage(message) : InsertFailure.refused(message);
  }
}
