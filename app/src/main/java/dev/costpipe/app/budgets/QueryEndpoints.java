package dev.costpipe.app.budgets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.http.HttpEndpoints;
import dev.costpipe.http.HttpSettings;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.app.CostpipeApplication;
import dev.costpipe.topology.query.BudgetQuery;
import dev.costpipe.topology.query.BudgetQuery.BudgetWindow;
import dev.costpipe.topology.query.KeyOwner;
import dev.costpipe.topology.query.StoreAccess;
import dev.costpipe.topology.query.StoreUnavailable;
import dev.costpipe.topology.query.WindowTotalsQuery;
import dev.costpipe.topology.query.WindowTotalsQuery.WindowTotals;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live totals and budgets of {@code costpipe run}, read from its state stores (Kafka Streams' interactive
 * queries) and served on its HTTP server:
 *
 * <pre>
 * GET  /v1/totals?dimension=user&amp;key=alice&amp;window=1d[&amp;at=…]   a window's totals
 * GET  /v1/budgets/{rule}[?at=…]                              a rule's window: spend, budget, remaining, levels
 * POST /v1/budgets/check  {"user_id": …, "estimated_cost_usd": …}  allow or deny a call
 * </pre>
 *
 * Any instance answers: a key another instance owns is asked there ({@link PeerForwarder}). While a store cannot
 * answer (the instance is not RUNNING, the key's partition restores or moves) the answer is 503 with
 * {@code Retry-After}, never a number from a store that is not up to date. docs/budgets.md has the details.
 */
public final class QueryEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(QueryEndpoints.class);
  static final int MAX_BODY_BYTES = 64 << 10;

  private final WindowTotalsQuery totals;
  private final BudgetQuery budgets;
  private final PeerForwarder peers;
  private final String self;
  private final Clock clock;

  QueryEndpoints(StoreAccess access, AlertRulesHolder rules, List<Duration> windows, Clock clock) {
    this.totals = new WindowTotalsQuery(access, windows);
    this.budgets = new BudgetQuery(access, rules);
    this.peers = new PeerForwarder(access.self());
    this.self = access.self().host() + ":" + access.self().port();
    this.clock = clock;
  }

  /**
   * Serves {@code app}'s stores on {@code server} (before the application starts): tells the other instances
   * where ({@code application.server}: as set, else this server's address, see {@link #advertisedAddress}).
   */
  public static void serve(HttpEndpoints server, HttpSettings http, CostpipeApplication app) {
    HostInfo self = app.advertiseQueriesAt(advertisedAddress(http, server.port()));
    if (self.port() != server.port()) {
      LOG.warn("application.server {}:{} names another port than this instance's HTTP server ({}): other instances"
          + " will forward queries there", self.host(), self.port(), server.port());
    }
    QueryEndpoints q = new QueryEndpoints(new StoreAccess(app::streams, self), app.alertRules(),
        app.config().aggregateWindows(), Clock.systemUTC());
    server.serve("/v1/totals", e -> q.answer(e, q::totals));
    server.serve("/v1/budgets/", e -> q.answer(e, q::budgets));
    LOG.info("totals and budgets on http://{}:{}/v1/ (application.server)", self.host(), self.port());
  }

  /**
   * This server as other instances reach it: its bind address, or this host's address when it listens on every
   * interface (in Kubernetes set {@code application.server} to the pod's IP instead: deploy/k8s/run.yaml).
   */
  static HostInfo advertisedAddress(HttpSettings http, int port) {
    String bind = http.bindAddress();
    if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) {
      return new HostInfo(bind, port);
    }
    try {
      return new HostInfo(InetAddress.getLocalHost().getHostAddress(), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("listening on every interface and this host has no address to tell the"
          + " other instances: set application.server to host:port", e);
    }
  }

  /** An answer: its status, JSON body and, for a 503, how long to wait. */
  record Answer(int status, byte[] body, String retryAfter) {
    static Answer ok(JsonNode body) {
      return new Answer(200, json(body), null);
    }

    static Answer error(int status, String message) {
      ObjectNode o = Json.MAPPER.createObjectNode().put("status", status).put("error", message);
      return new Answer(status, json(o), null);
    }

    static Answer unavailable(StoreUnavailable u) {
      ObjectNode o = Json.MAPPER.createObjectNode().put("status", 503).put("error", u.getMessage());
      return new Answer(503, json(o), Long.toString(Math.max(1, u.retryAfter().toSeconds())));
    }
  }

  private interface Handler {
    Answer handle(HttpExchange e) throws IOException;
  }

  private void answer(HttpExchange e, Handler handler) throws IOException {
    try (e) {
      Answer a;
      try {
        a = handler.handle(e);
      } catch (IllegalArgumentException ex) {
        a = Answer.error(400, ex.getMessage());
      } catch (StoreUnavailable ex) {
        a = Answer.unavailable(ex);
      } catch (RuntimeException ex) {
        LOG.warn("{} {} failed", e.getRequestMethod(), e.getRequestURI(), ex);
        a = Answer.error(500, ex.toString());
      }
      e.getResponseHeaders().set("Content-Type", "application/json");
      e.getResponseHeaders().set("Cache-Control", "no-store");
      if (a.retryAfter() != null) {
        e.getResponseHeaders().set("Retry-After", a.retryAfter());
      }
      e.sendResponseHeaders(a.status(), a.body().length);
      try (OutputStream out = e.getResponseBody()) {
        out.write(a.body());
      }
    }
  }

  private Answer totals(HttpExchange e) {
    if (!e.getRequestURI().getPath().equals("/v1/totals")) {
      return Answer.error(404, "not found");
    }
    if (!e.getRequestMethod().equals("GET")) {
      return Answer.error(405, "GET only");
    }
    TotalsRequest r = TotalsRequest.parse(QueryParams.parse(e.getRequestURI().getRawQuery()), clock.instant());
    Duration size = totals.window(r.window()).orElseThrow(() -> new IllegalArgumentException(
        "window must be one of " + String.join(", ", totals.labels()) + " (costpipe.aggregate.windows), got '"
            + r.window() + "'"));
    KeyOwner owner = totals.owner(r.dimension(), r.key(), size);
    if (!owner.local()) {
      return forward(e, owner);
    }
    WindowTotals t = totals.local(r.dimension(), r.key(), size, r.at(), owner.partition());
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("dimension", r.dimension().wire());
    o.put("key", r.key());
    o.put("window", t.window());
    o.put("window_start", t.start().toString());
    o.put("window_end", t.end().toString());
    ObjectNode record = t.totals().toTree();
    record.remove(List.of("dimension", "dimension_value"));
    o.put("cost_usd", BudgetDecision.usd(t.totals().costNanoUsd()));
    o.setAll(record);
    o.put("answered_by", self);
    return Answer.ok(o);
  }

  private Answer budgets(HttpExchange e) throws IOException {
    String id = e.getRequestURI().getPath().substring("/v1/budgets/".length());
    if (id.equals("check") && e.getRequestMethod().equals("POST")) {
      return check(e);
    }
    if (!e.getRequestMethod().equals("GET")) {
      return Answer.error(405, id.equals("check") ? "POST a call to check" : "GET only");
    }
    if (id.isEmpty()) {
      return Answer.error(404, "name a rule: /v1/budgets/{rule}");
    }
    Map<String, String> params = QueryParams.parse(e.getRequestURI().getRawQuery());
    params.keySet().stream().filter(p -> !p.equals("at") && !p.equals("key")).findFirst().ifPresent(p -> {
      throw new IllegalArgumentException("unknown parameter " + p + " (at, key)");
    });
    Instant at = TotalsRequest.instant(params.get("at"), clock.instant());
    Optional<AlertRule> rule = budgets.rule(id);
    if (rule.isEmpty()) {
      return Answer.error(404, "no rule " + id + " in force");
    }
    // a per rule has a budget per key: which one must be named, never a zero for no key
    String key = params.get("key");
    if (rule.get().per() != null && key == null) {
      return Answer.error(400, "rule " + id + " has a budget per " + rule.get().per().wire() + ": name one with ?key=");
    }
    if (rule.get().per() == null && key != null) {
      return Answer.error(400, "rule " + id + " has one budget, not one per key: drop ?key=");
    }
    KeyOwner owner = budgets.owner(id, key);
    if (!owner.local()) {
      return forward(e, owner);
    }
    ObjectNode answer = BudgetJson.answer(budgets.local(rule.get(), key, at, owner.partition()));
    if (key != null) {
      answer.put("key", key);
    }
    return Answer.ok(answer.put("answered_by", self));
  }

  private Answer check(HttpExchange e) throws IOException {
    CheckRequest request = CheckRequest.parse(body(e));
    CostRecord call = request.asCall();
    Instant now = clock.instant();
    List<BudgetWindow> windows = new ArrayList<>();
    for (AlertRule rule : budgets.all()) {
      String key = rule.perValue(call);
      // a per rule counts a call that has its key (a user, a session…) against that key's budget only
      if (rule.matches(call) && (rule.per() == null || key != null)) {
        window(rule, key, now, e).ifPresent(windows::add);
      }
    }
    return Answer.ok(BudgetDecision.of(request.estimatedNanoUsd(), windows).toTree().put("answered_by", self));
  }

  /**
   * {@code rule}'s window holding {@code at} (for {@code key} of its {@code per}, else null), here or from its
   * owner; empty when the owner no longer has the rule.
   */
  private Optional<BudgetWindow> window(AlertRule rule, String key, Instant at, HttpExchange e) {
    KeyOwner owner = budgets.owner(rule.id(), key);
    if (owner.local()) {
      return Optional.of(budgets.local(rule, key, at, owner.partition()));
    }
    PeerForwarder.Answer a = peers.get(owner.host(), "/v1/budgets/" + rule.id(),
        "at=" + URLEncoder.encode(at.toString(), StandardCharsets.UTF_8)
            + (key == null ? "" : "&key=" + URLEncoder.encode(key, StandardCharsets.UTF_8)),
        e.getRequestHeaders().getFirst("Authorization"));
    return switch (a.status()) {
      case 200 -> Optional.of(BudgetJson.fromTree(rule, read(a.body())));
      case 404 -> Optional.empty();
      default -> throw new StoreUnavailable("the instance owning rule " + rule.id() + ", " + owner.host().host() + ":"
          + owner.host().port() + ", answered " + a.status() + ": " + new String(a.body(), StandardCharsets.UTF_8),
          a.retryAfter() == null ? StoreAccess.RETRY_AFTER : Duration.ofSeconds(parseSeconds(a.retryAfter())));
    };
  }

  /** The owner's answer to the same GET; an instance asked by another answers itself or not at all. */
  private Answer forward(HttpExchange e, KeyOwner owner) {
    if (e.getRequestHeaders().containsKey(PeerForwarder.FORWARDED_BY)) {
      throw new StoreUnavailable("ownership of the key is moving (asked by "
          + e.getRequestHeaders().getFirst(PeerForwarder.FORWARDED_BY) + ", owned by " + owner.host().host() + ":"
          + owner.host().port() + ")", StoreAccess.RETRY_AFTER);
    }
    PeerForwarder.Answer a = peers.get(owner.host(), e.getRequestURI().getPath(), e.getRequestURI().getRawQuery(),
        e.getRequestHeaders().getFirst("Authorization"));
    return new Answer(a.status(), a.body(), a.retryAfter());
  }

  private static byte[] body(HttpExchange e) throws IOException {
    try (InputStream in = e.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new IllegalArgumentException("the body is larger than " + MAX_BODY_BYTES + " bytes");
      }
      return body;
    }
  }

  private static JsonNode read(byte[] body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static long parseSeconds(String retryAfter) {
    try {
      return Long.parseLong(retryAfter.strip());
    } catch (NumberFormatException ex) {
      return StoreAccess.RETRY_AFTER.toSeconds();
    }
  }

  private static byte[] json(JsonNode o) {
    try {
      return Json.MAPPER.writeValueAsBytes(o);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
