package dev.costpipe.app.metrics;

import dev.costpipe.ingest.IngestCounters;
import dev.costpipe.ingest.IngestServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;

/**
 * {@code costpipe ingest}: its counters as {@code costpipe_ingest_<what>_total{endpoint,status}} (requests by
 * status; events produced; items rejected; spans ignored; events flagged). Ready while Kafka acknowledges.
 */
public final class IngestProbe implements ComponentProbe {
  private static final Map<String, String> DESCRIPTIONS = Map.of(
      "requests", "requests answered, by endpoint and HTTP status",
      "events", "events Kafka acknowledged",
      "rejected", "items refused with a reason (OTLP partial_success, a 4xx body)",
      "ignored", "spans that are no model call (agent, tool, HTTP spans)",
      "flagged", "events produced with a provider costpipe does not know");

  private final IngestServer server;

  public IngestProbe(IngestServer server) {
    this.server = server;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    refresh(registry);
  }

  @Override
  public void refresh(MeterRegistry registry) {
    IngestCounters counters = server.counters();
    for (IngestCounters.Key k : counters.snapshot().keySet()) {
      Tags tags = Tags.of("endpoint", k.endpoint());
      if (!k.status().isEmpty()) {
        tags = tags.and("status", k.status());
      }
      FunctionCounter.builder("costpipe.ingest." + k.what(), counters, c -> c.get(k.what(), k.endpoint(), k.status()))
          .tags(tags).description(DESCRIPTIONS.getOrDefault(k.what(), k.what())).register(registry);
    }
  }

  @Override
  public Health live() {
    return Health.up();
  }

  @Override
  public Health ready() {
    return server.kafkaFailing() ? Health.down("kafka", "the last events were not acknowledged") : Health.up();
  }
}
