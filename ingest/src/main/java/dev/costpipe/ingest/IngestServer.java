package dev.costpipe.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.costpipe.contracts.Backoff;
import dev.costpipe.http.HttpEndpoints;
import dev.costpipe.sources.envelope.DefaultProperties;
import dev.costpipe.sources.envelope.EnvelopeMapper;
import dev.costpipe.sources.envelope.JsonBodies;
import dev.costpipe.sources.envelope.MappedBatch;
import dev.costpipe.sources.envelope.Reject;
import dev.costpipe.sources.envelope.UnparseableBodyException;
import dev.costpipe.sources.litellm.LiteLlmMapper;
import dev.costpipe.sources.otlp.OtlpEncoding;
import dev.costpipe.sources.otlp.OtlpMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code costpipe ingest}'s HTTP endpoints: {@code POST /v1/traces} (OTLP/HTTP, protobuf or JSON),
 * {@code POST /v1/litellm} (LiteLLM's logging payloads) and {@code POST /v1/events} (costpipe envelopes), each
 * answering 2xx only after Kafka acknowledged every event the body became — or, with a spool, after they were
 * written to it durably ({@link Delivery}; the answer then carries {@value #SPOOLED_HEADER}). Statuses:
 * docs/ingest.md.
 */
public final class IngestServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);
  /** Response header naming how many of the body's events were spooled rather than acknowledged by Kafka. */
  public static final String SPOOLED_HEADER = "Costpipe-Spooled";
  private static final Backoff REPLAY_BACKOFF = new Backoff(Duration.ofMillis(500),
      Duration.ofSeconds(15));

  /** A body → its events; throws when the body cannot be read at all. */
  @FunctionalInterface
  private interface Mapper {
    MappedBatch map(byte[] body, OtlpEncoding encoding) throws UnparseableBodyException;
  }

  private final IngestSettings settings;
  private final EventProducer producer;
  private final Spool spool; // null: no spool
  private final SpoolReplayer replayer; // null: no spool
  private final Delivery delivery;
  private final IngestCounters counters = new IngestCounters();
  private final HttpEndpoints endpoints;
  /** Whether the last body was refused for want of Kafka (and room in the spool): not ready until one is taken. */
  private volatile boolean refusing;

  private IngestServer(IngestSettings settings, EventProducer producer, Spool spool) throws IOException {
    this.settings = settings;
    this.producer = producer;
    this.spool = spool;
    this.replayer = spool == null ? null : new SpoolReplayer(spool, producer, counters, REPLAY_BACKOFF);
    this.delivery = new Delivery(producer, spool);
    this.endpoints = HttpEndpoints.create(settings.http(), settings.port(), "ingest", "costpipe.ingest.port",
        settings.threads());
    endpoints.serveAuthenticated("/v1/traces", (e, p) -> handle(e, p, "traces", OtlpMapper::map),
        status -> counters.request("traces", status));
    endpoints.serveAuthenticated("/v1/litellm", (e, p) -> handle(e, p, "litellm", (b, enc) -> LiteLlmMapper.map(b)),
        status -> counters.request("litellm", status));
    endpoints.serveAuthenticated("/v1/events", (e, p) -> handle(e, p, "events", (b, enc) -> EnvelopeMapper.map(b)),
        status -> counters.request("events", status));
  }

  /** Starts serving without a spool: Kafka not acknowledging in time is a 503. */
  public static IngestServer start(IngestSettings settings, EventProducer producer) throws IOException {
    return start(settings, producer, null);
  }

  /**
   * Starts serving, producing with {@code producer} (closed with the server); with {@code spool} settings, events
   * Kafka does not acknowledge in time are spooled there, and what an earlier run left there is replayed.
   *
   * @throws IllegalArgumentException for a listen address other than loopback without bearer tokens: anyone who
   *     can reach the port could write costs
   */
  public static IngestServer start(IngestSettings settings, EventProducer producer, SpoolSettings spoolSettings)
      throws IOException {
    try {
      return open(settings, producer, spoolSettings);
    } catch (IOException | RuntimeException e) {
      if (producer != null) {
        producer.close(); // the server owns it: a refused start must not leave it retrying the brokers
      }
      throw e;
    }
  }

  private static IngestServer open(IngestSettings settings, EventProducer producer, SpoolSettings spoolSettings)
      throws IOException {
    InetAddress address = InetAddress.getByName(settings.http().bindAddress());
    if (!address.isLoopbackAddress() && settings.http().tokensFile() == null) {
      throw new IllegalArgumentException("refusing to listen on " + settings.http().bindAddress()
          + " without bearer tokens: set costpipe.http.tokens-file, or listen on 127.0.0.1");
    }
    Spool spool = spoolSettings == null ? null : Spool.open(spoolSettings.directory(), spoolSettings.maxBytes());
    IngestServer server = new IngestServer(settings, producer, spool);
    if (spool != null) {
      LOG.info("spool in {} (at most {} bytes){}", spool.directory(), spoolSettings.maxBytes(),
          spool.hasPending() ? ": " + spool.bytes() + " bytes left by an earlier run, replaying" : "");
      server.replayer.start();
    }
    server.endpoints.start();
    LOG.info("ingest on http://{} (/v1/traces, /v1/litellm, /v1/events){}", server.endpoints.address(),
        server.endpoints.requiresTokens() ? ", bearer token required" : "");
    return server;
  }

  public int port() {
    return endpoints.port();
  }

  public String address() {
    return endpoints.address();
  }

  public IngestCounters counters() {
    return counters;
  }

  /** Whether the last body was answered 503 because Kafka did not acknowledge it and no spool could take it. */
  public boolean refusing() {
    return refusing;
  }

  /** Bytes in the spool's files now; -1 without a spool. */
  public long spoolBytes() {
    return spool == null ? -1 : spool.bytes();
  }

  private void handle(HttpExchange e, Map<String, String> properties, String endpoint, Mapper mapper)
      throws IOException {
    try (e) {
      boolean traces = endpoint.equals("traces");
      String type = e.getRequestHeaders().getFirst("Content-Type");
      OtlpEncoding encoding = (traces ? OtlpEncoding.ofContentType(type) : jsonContentType(type))
          .orElse(null);
      OtlpEncoding answerIn = encoding == null ? OtlpEncoding.JSON : encoding;
      if (!e.getRequestMethod().equals("POST")) {
        e.getResponseHeaders().set("Allow", "POST");
        fail(e, endpoint, 405, traces, answerIn, "POST only");
        return;
      }
      if (encoding == null) {
        fail(e, endpoint, 415, traces, answerIn, "Content-Type " + type + " is not accepted here: "
            + (traces ? "application/x-protobuf or application/json" : "application/json or application/x-ndjson"));
        return;
      }
      byte[] body;
      try {
        body = RequestBody.read(e, settings.maxBodyBytes());
      } catch (RequestBody.TooLarge ex) {
        fail(e, endpoint, 413, traces, encoding, ex.getMessage());
        return;
      } catch (RequestBody.Unreadable ex) {
        fail(e, endpoint, ex.status, traces, encoding, ex.getMessage());
        return;
      }
      MappedBatch batch;
      try {
        batch = mapper.map(body, encoding);
      } catch (UnparseableBodyException ex) {
        fail(e, endpoint, 400, traces, encoding, ex.getMessage());
        return;
      }
      counters.add("rejected", endpoint, "", batch.rejects().size());
      counters.add("ignored", endpoint, "", batch.ignored());
      counters.add("flagged", endpoint, "", batch.warnings().size());
      if (!traces && batch.events().isEmpty() && !batch.rejects().isEmpty()) {
        answer(e, endpoint, 400, "application/json", summary(batch, 0));
        return;
      }
      batch.events().forEach(ev -> DefaultProperties.apply(ev, properties));
      List<KeyedEvent> events = batch.events().stream().map(KeyedEvent::of).toList();
      Delivery.Outcome outcome;
      try {
        outcome = delivery.deliver(events);
      } catch (KafkaUnavailableException | SpoolFullException ex) {
        refusing = true;
        LOG.warn("{}: {} events refused: {}", endpoint, events.size(), ex.getMessage());
        e.getResponseHeaders().set("Retry-After", Integer.toString(IngestSettings.RETRY_AFTER_SECONDS));
        fail(e, endpoint, 503, traces, encoding, ex.getMessage() + "; retry later");
        return;
      }
      refusing = false;
      int spooled = outcome == Delivery.Outcome.SPOOLED ? events.size() : 0;
      if (spooled > 0) {
        counters.add("spooled", endpoint, "", spooled);
        e.getResponseHeaders().set(SPOOLED_HEADER, Integer.toString(spooled));
      } else {
        counters.add("events", endpoint, "", events.size());
      }
      if (traces) {
        answer(e, endpoint, 200, contentType(encoding), OtlpResponses.success(batch, encoding));
      } else {
        answer(e, endpoint, 200, "application/json", summary(batch, spooled));
      }
    }
  }

  /** {@code application/json} (LiteLLM sends every shape under it) or NDJSON's own types. */
  private static Optional<OtlpEncoding> jsonContentType(String type) {
    if (type == null) {
      return Optional.empty();
    }
    String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return switch (media) {
      case "application/json", "application/x-ndjson", "application/jsonl", "application/ndjson" ->
          Optional.of(OtlpEncoding.JSON);
      default -> Optional.empty();
    };
  }

  private static String contentType(OtlpEncoding encoding) {
    return encoding == OtlpEncoding.PROTOBUF ? "application/x-protobuf" : "application/json";
  }

  /** {@code {"accepted": n, "rejected": [{"item": …, "reason": …}]}}, and {@code "spooled": n} when spooled. */
  private static byte[] summary(MappedBatch batch, int spooled) throws IOException {
    ObjectNode o = JsonBodies.mapper().createObjectNode();
    o.put("accepted", batch.events().size());
    if (spooled > 0) {
      o.put("spooled", spooled);
    }
    ArrayNode rejected = o.putArray("rejected");
    for (Reject r : batch.rejects()) {
      rejected.addObject().put("item", r.item()).put("reason", r.reason());
    }
    return JsonBodies.mapper().writeValueAsBytes(o);
  }

  private void fail(HttpExchange e, String endpoint, int status, boolean traces, OtlpEncoding encoding,
      String message) throws IOException {
    if (traces) {
      int code = status == 503 ? OtlpResponses.UNAVAILABLE : OtlpResponses.INVALID_ARGUMENT;
      answer(e, endpoint, status, contentType(encoding), OtlpResponses.status(code, message, encoding));
    } else {
      ObjectNode o = JsonBodies.mapper().createObjectNode().put("error", message);
      answer(e, endpoint, status, "application/json", JsonBodies.mapper().writeValueAsBytes(o));
    }
  }

  private void answer(HttpExchange e, String endpoint, int status, String type, byte[] body) throws IOException {
    counters.request(endpoint, status);
    e.getResponseHeaders().set("Content-Type", type);
    e.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = e.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * Stops taking requests, lets those in flight finish (up to the drain timeout), stops the replayer after its
   * chunk in flight (what is left stays in the spool for the next start), then closes the producer.
   */
  @Override
  public void close() {
    endpoints.close(settings.drainTimeout());
    if (spool != null) {
      replayer.close();
      spool.close();
    }
    producer.close();
  }
}
