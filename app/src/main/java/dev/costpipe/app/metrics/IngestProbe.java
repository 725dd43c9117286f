package dev.costpipe.app.metrics;

import dev.costpipe.ingest.IngestCounters;
import dev.costpipe.ingest.IngestServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;

/**
 * {@code costpipe ingest}: its counters as {@code costpipe_ingest_<what>_total{endpoint,status}} (requests by
 * status; events produced; items rejected; spans ignored; events flagged; events spooled, replayed, torn spool
 * records) and {@code costpipe_ingest_spool_bytes}. Ready unless the last body was refused 503 for want of Kafka
 * (and of room in the spool).
 */
public final class IngestProbe implements ComponentProbe {
  private static final Map<String, String> DESCRIPTIONS = Map.of(
      "requests", "requests answered, by endpoint and HTTP status",
      "events", "events Kafka acknowledged",
      "rejected", "items refused with a reason (OTLP partial_success, a 4xx body)",
      "ignored", "spans that are no model call (agent, tool, HTTP spans)",
      "flagged", "events produced with a provider costpipe does not know",
      "spooled", "events written to the spool because Kafka did not acknowledge them in time",
      "replayed", "spooled events Kafka acknowledged on replay",
      "torn", "spool records cut short by a crash (never answered 2xx), skipped on replay");

  private final IngestServer server;

  public IngestProbe(IngestServer server) {
    this.server = server;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    if (server.spoolBytes() >= 0) {
      Gauge.builder("costpipe.ingest.spool.bytes", server, IngestServer::spoolBytes)
          .description("bytes in the spool's files, waiting for Kafka").baseUnit("bytes").register(registry);
    }
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
    return server.refusing() ? Health.down("kafka", "the last body was refused: Kafka did not acknowledge it"
        + " (and the spool, if any, could not take it)") : Health.up();
  }
}
