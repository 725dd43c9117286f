package dev.costpipe.app.metrics;

import dev.costpipe.contracts.avro.registry.RegistryOutage;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.topology.LateContributions;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.app.CostpipeApplication;
import dev.costpipe.topology.steps.AlertThresholdStep;
import dev.costpipe.topology.steps.ChunkMergeStep;
import dev.costpipe.topology.steps.ParseStep;
import dev.costpipe.topology.steps.PriceStep;
import dev.costpipe.topology.steps.WindowTotalsStep;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * {@code costpipe run}: the pipeline's counters ({@link PipelineCounters}), spend by provider, model and pricing
 * status ({@link SpendMeters}), the open-requests store's size,
 * the end-to-end lag, and Kafka Streams' own metrics ({@code kafka_stream_*}) once the streams exist. Ready
 * while Kafka Streams is RUNNING and no output waits for the schema registry ({@link RegistryOutage}).
 */
public final class RunProbe implements ComponentProbe {
  private final CostpipeApplication app;
  private final CounterBridge counters;
  private final SpendMeters spend;
  private KafkaStreamsMetrics streamsMetrics;

  public RunProbe(CostpipeApplication app) {
    this.app = app;
    PipelineCounters c = app.counters();
    this.counters = new CounterBridge(() -> c.snapshot().keySet(), c::get, RunProbe::meter);
    this.spend = new SpendMeters(c.spend());
  }

  static Optional<CounterBridge.Meter> meter(String name) {
    int dot = name.indexOf('.');
    String group = dot < 0 ? name : name.substring(0, dot);
    String rest = dot < 0 ? "" : name.substring(dot + 1);
    return Optional.of(switch (group) {
      case "events" -> name.equals(ParseStep.RECEIVED)
          ? new CounterBridge.Meter("costpipe.raw.events", Tags.empty(), "raw events read, good and bad")
          : name.equals(ParseStep.FUTURE_TIME)
              ? new CounterBridge.Meter("costpipe.raw.events.future.time", Tags.empty(),
                  "events timestamped beyond costpipe.event-time.max-future: priced at ingestion time, flagged")
              : other(name);
      case "produce" -> rest.equals("diverted")
          ? new CounterBridge.Meter("costpipe.writes.diverted", Tags.empty(),
              "writes refused once and, made again by the re-processing, sent to the dead-letter topic")
          : new CounterBridge.Meter("costpipe.writes.refused", Tags.of("reason", rest.substring(
              rest.indexOf('.') + 1)), "internal or output writes the producer or broker refused for the record itself");
      case "streams" -> new CounterBridge.Meter("costpipe.stream.threads.replaced", Tags.empty(),
          "stream threads that failed and were replaced");
      case "dlq" -> new CounterBridge.Meter("costpipe.dead.letters", Tags.of("reason", rest),
          "raw events sent to the dead-letter topic, by reason");
      case "costs" -> name.equals(PriceStep.REPORTED_COST_DISAGREEMENT)
          ? new CounterBridge.Meter("costpipe.reported.cost.disagreements", Tags.empty(),
              "cost records whose source reported a cost off costpipe's by more than 1% and 1 micro-USD")
          : new CounterBridge.Meter("costpipe.cost.records", Tags.of("pricing_status", rest),
              "cost records emitted, by pricing status (unknown_model: the model has no price)");
      case "merge" -> new CounterBridge.Meter("costpipe.merge", Tags.of("outcome", rest),
          "merge anomalies: duplicate_request, duplicate_event, too_many_events, incomplete_flushed, "
              + "late_event_revised, usage_event_superseded, usage_event_over_incomplete, "
              + "raw_after_usage_event_final");
      case "alerts" -> new CounterBridge.Meter("costpipe.alerts", Tags.of("event", rest),
          "budget alert levels crossed");
      case LateContributions.COUNTER -> new CounterBridge.Meter("costpipe.late.contributions.dropped",
          Tags.of("store", rest), "contributions to windows older than the store keeps, dropped (their cost "
              + "records are emitted), by store");
      default -> other(name);
    });
  }

  private static CounterBridge.Meter other(String name) {
    return new CounterBridge.Meter("costpipe.pipeline.events", Tags.of("counter", name), "other pipeline counters");
  }

  @Override
  public void configure(MeterRegistry registry) {
    // Kafka Streams tags each state metric with its store kind (rocksdb.state.id, rocksdb.window.state.id, …);
    // Prometheus needs one set of tag keys per name: one key, state.id, for all of them
    for (String kind : new String[] {"rocksdb.state.id", "rocksdb.window.state.id", "rocksdb.session.state.id",
        "in.memory.state.id", "in.memory.window.state.id", "in.memory.session.state.id"}) {
      registry.config().meterFilter(MeterFilter.renameTag("kafka.stream.state", kind, "state.id"));
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counters.register(registry, ParseStep.RECEIVED);
    counters.register(registry, ParseStep.FUTURE_TIME);
    for (PricingStatus s : PricingStatus.values()) {
      counters.register(registry, "costs." + s.wire());
    }
    for (String outcome : List.of("duplicate_request", "duplicate_event", "too_many_events", "incomplete_flushed",
        "late_event_revised")) {
      counters.register(registry, "merge." + outcome);
    }
    for (String counter : List.of(ChunkMergeStep.USAGE_EVENT_SUPERSEDED, ChunkMergeStep.USAGE_EVENT_OVER_INCOMPLETE,
        ChunkMergeStep.RAW_AFTER_USAGE_EVENT_FINAL, PriceStep.REPORTED_COST_DISAGREEMENT)) {
      counters.register(registry, counter);
    }
    counters.register(registry, "alerts.fired");
    for (Duration size : app.config().aggregateWindows()) {
      counters.register(registry, LateContributions.counter(WindowTotalsStep.name(size)));
    }
    counters.register(registry, LateContributions.counter(AlertThresholdStep.STORE));
    PipelineCounters c = app.counters();
    FunctionTimer.builder("costpipe.cost.record.lag", c, PipelineCounters::lagCount, PipelineCounters::lagTotalMillis,
            TimeUnit.MILLISECONDS)
        .description("wall-clock time from a request's timestamp to its cost record leaving the pricing step")
        .register(registry);
    Gauge.builder("costpipe.cost.record.lag.last", c,
            x -> x.lastLagMillis() < 0 ? Double.NaN : x.lastLagMillis() / 1000.0)
        .baseUnit("seconds").description("the end-to-end lag of the latest cost record").register(registry);
    Gauge.builder("costpipe.open.requests", this, RunProbe::openRequests)
        .description("requests waiting for more events (approximate entries of the open-requests stores)")
        .register(registry);
  }

  @Override
  public synchronized void refresh(MeterRegistry registry) {
    counters.refresh(registry);
    spend.refresh(registry);
    KafkaStreams streams = app.streams();
    if (streams != null && streamsMetrics == null) {
      streamsMetrics = new KafkaStreamsMetrics(streams);
      streamsMetrics.bindTo(registry);
    }
  }

  private double openRequests() {
    KafkaStreams streams = app.streams();
    if (streams == null || streams.state() != KafkaStreams.State.RUNNING) {
      return Double.NaN;
    }
    try {
      return streams.store(StoreQueryParameters.fromNameAndType(ChunkMergeStep.OPEN_STORE,
          QueryableStoreTypes.keyValueStore())).approximateNumEntries();
    } catch (RuntimeException e) {
      return Double.NaN; // stores migrating during a rebalance
    }
  }

  @Override
  public Health live() {
    KafkaStreams streams = app.streams();
    if (streams == null) {
      return Health.up("state", "STARTING");
    }
    KafkaStreams.State state = streams.state();
    return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
        ? Health.down("state", state.name(), "reason", "Kafka Streams failed")
        : Health.up("state", state.name());
  }

  @Override
  public Health ready() {
    KafkaStreams streams = app.streams();
    if (streams == null) {
      return Health.down("state", "STARTING", "reason", "creating topics and publishing the catalogue");
    }
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      return Health.down("state", state.name(), "reason", "Kafka Streams is not RUNNING");
    }
    return RegistryOutage.since()
        .map(since -> Health.down("state", state.name(), "reason", "schema registry unavailable since " + since
            + ": output waits"))
        .orElseGet(() -> Health.up("state", state.name()));
  }

  /** Unbinds the Kafka Streams metrics (before the streams close). */
  public synchronized void close() {
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
  }
}
