package dev.costpipe.contracts.settings;

import java.util.Locale;

/** The long-running parts of costpipe, each with its own configuration and metrics port. */
public enum Component {
  /** {@code costpipe run}: the Kafka Streams application. */
  RUN(9464),
  /** {@code costpipe sink clickhouse}. */
  SINK(9465),
  /** {@code costpipe notify}: alert delivery (a YAML file, see {@code NotifierConfig}). */
  NOTIFY(9466),
  /** {@code costpipe ingest}: the HTTP endpoint that produces OTLP, LiteLLM and envelope posts to Kafka. */
  INGEST(9467);

  private final int defaultMetricsPort;

  Component(int defaultMetricsPort) {
    this.defaultMetricsPort = defaultMetricsPort;
  }

  public int defaultMetricsPort() {
    return defaultMetricsPort;
  }

  /** run, sink, notify, ingest: as the command line names it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
