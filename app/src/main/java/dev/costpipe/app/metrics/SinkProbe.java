package dev.costpipe.app.metrics;

import com.clickhouse.client.api.Client;
import dev.costpipe.clickhouse.sink.ClickHouseSink;
import dev.costpipe.clickhouse.sink.ClickHouseSinkMetrics;
import dev.costpipe.clickhouse.sink.InvalidRecordException;
import dev.costpipe.clickhouse.sink.SinkTable;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code costpipe sink clickhouse}: the sink's counters ({@link ClickHouseSinkMetrics}) and its consumer's
 * ({@code kafka_consumer_*}). Ready when the consumer
 * is in its group and ClickHouse answers a ping (and the sink is not waiting out an outage).
 */
public final class SinkProbe implements ComponentProbe, AutoCloseable {
  private static final long PING_TIMEOUT_MS = 2_000;

  private final ClickHouseSink sink;
  private final CounterBridge counters;
  private final Client pingClient;
  private final ConsumerMetrics consumerMetrics;

  public SinkProbe(ClickHouseSink sink) {
    this.sink = sink;
    ClickHouseSinkMetrics m = sink.metrics();
    this.counters = new CounterBridge(() -> m.snapshot().keySet(), k -> m.snapshot().getOrDefault(k, 0L),
        SinkProbe::meter);
    this.pingClient = sink.config().newClient();
    this.consumerMetrics = new ConsumerMetrics(sink::consumerForMetrics);
  }

  static Optional<CounterBridge.Meter> meter(String name) {
    if (name.startsWith("rows.")) {
      return Optional.of(new CounterBridge.Meter("costpipe.sink.rows", Tags.of("table", name.substring(5)),
          "rows ClickHouse acknowledged, by table (re-deliveries included)"));
    }
    if (name.startsWith("dead_letters.")) {
      return Optional.of(new CounterBridge.Meter("costpipe.sink.dead.letters",
          Tags.of("reason", name.substring("dead_letters.".length())), "records sent to the sink's dead-letter topic"));
    }
    return Optional.empty(); // the others are registered below, as what they are
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (SinkTable t : SinkTable.values()) {
      counters.register(registry, "rows." + t.tableName());
    }
    for (String reason : List.of(InvalidRecordException.INVALID_JSON, InvalidRecordException.INVALID_RECORD,
        InvalidRecordException.OUT_OF_RANGE, ClickHouseSink.REJECTED)) {
      counters.register(registry, "dead_letters." + reason);
    }
    ClickHouseSinkMetrics m = sink.metrics();
    FunctionTimer.builder("costpipe.sink.batch", m, ClickHouseSinkMetrics::batches,
            ClickHouseSinkMetrics::batchLatencyTotalNanos, TimeUnit.NANOSECONDS)
        .description("insert requests ClickHouse acknowledged, and their time").register(registry);
    Gauge.builder("costpipe.sink.batch.last.latency", m,
            x -> x.lastBatchLatencyMillis() < 0 ? Double.NaN : x.lastBatchLatencyMillis() / 1000.0)
        .baseUnit("seconds").description("duration of the last acknowledged insert request").register(registry);
    FunctionCounter.builder("costpipe.sink.retries", m, ClickHouseSinkMetrics::retries)
        .description("waits after ClickHouse or the dead-letter topic was unavailable").register(registry);
    FunctionCounter.builder("costpipe.sink.commits", m, ClickHouseSinkMetrics::commits)
        .description("offset commits").register(registry);
    Gauge.builder("costpipe.sink.assigned.partitions", sink, s -> s.assignment().size())
        .description("partitions the consumer holds").register(registry);
    Gauge.builder("costpipe.sink.clickhouse.down", sink, s -> s.clickHouseDown() ? 1 : 0)
        .description("1 while the sink waits out a ClickHouse outage").register(registry);
    Gauge.builder("costpipe.sink.schema.registry.down", sink, s -> s.schemaRegistryDown() ? 1 : 0)
        .description("1 while the sink waits out a schema registry outage").register(registry);
  }

  @Override
  public void refresh(MeterRegistry registry) {
    counters.refresh(registry);
    consumerMetrics.bindIfCreated(registry);
  }

  @Override
  public Health live() {
    return sink.hasEnded() ? Health.down("reason", "the sink has stopped") : Health.up();
  }

  @Override
  public Health ready() {
    if (!sink.isRunning()) {
      return Health.down("reason", "the sink is not running");
    }
    if (!sink.inGroup()) {
      return Health.down("reason", "the consumer has no assignment yet");
    }
    if (sink.clickHouseDown()) {
      return Health.down("reason", "ClickHouse unavailable: retrying", "partitions", sink.assignment().size());
    }
    if (sink.schemaRegistryDown()) {
      return Health.down("reason", "schema registry unavailable: retrying", "partitions", sink.assignment().size());
    }
    boolean reachable;
    try {
      reachable = pingClient.ping(PING_TIMEOUT_MS);
    } catch (RuntimeException e) {
      reachable = false;
    }
    return reachable ? Health.up("partitions", sink.assignment().size())
        : Health.down("reason", "ClickHouse does not answer a ping", "partitions", sink.assignment().size());
  }

  @Override
  public void close() {
    consumerMetrics.close();
    pingClient.close();
  }
}
