package dev.costpipe.devtools.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.merge.RequestMerger;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.engine.usage.UsageSource;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrafficGeneratorTest {
  private static final int REQUESTS = 10_000;
  private static final Instant START = Instant.parse("2026-06-01T10:00:00Z");

  private static final List<List<GeneratedEvent>> traffic = new ArrayList<>();
  private static final List<CostRecord> records = new ArrayList<>();
  private static final Map<String, Integer> refusedByReason = new TreeMap<>();
  private static int goodEvents;
  private static int malformedEvents;

  /** Prices the default traffic the way `costpipe cost` does: parse, validate, merge, price. */
  @BeforeAll
  static void priceDefaultTraffic() {
    TrafficGenerator generator = new TrafficGenerator(GeneratorSettings.defaults(7));
    CostEngine engine = CostEngine.builtIn();
    RequestMerger merger = new RequestMerger();
    for (int i = 0; i < REQUESTS; i++) {
      List<GeneratedEvent> events = generator.nextRequest(START.plusMillis(i * 50L));
      traffic.add(events);
      for (GeneratedEvent e : events) {
        try {
          RawEvent event = RawEventParser.parse(e.value());
          engine.validate(event);
          assertThat(e.malformed()).as("accepted event was generated as malformed: %s", text(e)).isFalse();
          goodEvents++;
          merger.accept(event).ifPresent(m -> records.add(engine.price(m, Instant.EPOCH)));
        } catch (BadEventException refused) {
          assertThat(e.malformed()).as("good event refused (%s): %s", refused.getMessage(), text(e)).isTrue();
          assertThat(refused.reason()).isNotBlank();
          refusedByReason.merge(refused.reason(), 1, Integer::sum);
          malformedEvents++;
        }
      }
    }
    assertThat(merger.openRequests()).as("requests left incomplete").isZero();
    assertThat(merger.duplicates()).isZero();
  }

  @Test
  void sameSeedGivesTheSameBytesAndAnotherSeedOthers() {
    List<byte[]> a = flatten(new TrafficGenerator(GeneratorSettings.defaults(42)), 2_000);
    List<byte[]> b = flatten(new TrafficGenerator(GeneratorSettings.defaults(42)), 2_000);
    List<byte[]> c = flatten(new TrafficGenerator(GeneratorSettings.defaults(43)), 2_000);
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i)).as("event %d", i).isEqualTo(b.get(i));
    }
    assertThat(new String(c.get(0))).isNotEqualTo(new String(a.get(0)));
  }

  @Test
  void everyRequestCompletesAndEveryGoodOneIsPricedFromProviderUsage() {
    assertThat(records).hasSize(REQUESTS);
    List<String> unknown = ModelMix.unknownModels();
    for (CostRecord r : records) {
      if (!unknown.contains(r.model())) {
        assertThat(r.pricingStatus()).as("%s", r).isIn(PricingStatus.PRICED, PricingStatus.PROVIDER_REPORTED);
        assertThat(r.costNanoUsd()).as("%s", r).isNotNull();
        assertThat(r.usageSource()).isEqualTo(UsageSource.PROVIDER);
        assertThat(r.errors()).as("%s", r).isEmpty();
        assertThat(r.usage().outputTokens()).isPositive();
        if (!r.cacheHit() && r.pricingStatus() == PricingStatus.PRICED) {
          assertThat(r.costNanoUsd()).isPositive();
        }
      } else {
        assertThat(r.pricingStatus()).as("%s", r).isEqualTo(PricingStatus.UNKNOWN_MODEL);
        assertThat(r.errors()).anyMatch(e -> e.startsWith("unknown model: "));
      }
    }
  }

  @Test
  void everyMalformedEventIsRefusedWithAReasonAndEveryReasonOccurs() {
    assertThat(refusedByReason.keySet()).containsExactlyInAnyOrder(
        "invalid_json", "missing_request_id", "invalid_event_type", "invalid_field", "invalid_usage");
    assertThat((double) malformedEvents / (goodEvents + malformedEvents)).isCloseTo(0.005, within(0.0015));
  }

  @Test
  void defaultProportionsAreAsDocumented() {
    long streamed = records.stream().filter(CostRecord::streamed).count();
    long unknown = records.stream().filter(r -> r.pricingStatus() == PricingStatus.UNKNOWN_MODEL).count();
    long cacheHits = records.stream().filter(CostRecord::cacheHit).count();
    long promptCacheReads = records.stream().filter(r -> r.usage().cacheReadTokens() > 0).count();
    long cacheWrites = records.stream().filter(r -> r.usage().cacheWriteTokens() > 0).count();
    long reasoning = records.stream().filter(r -> r.usage().reasoningTokens() > 0).count();
    assertThat((double) streamed / REQUESTS).isCloseTo(0.30, within(0.02));
    assertThat((double) unknown / REQUESTS).isCloseTo(0.01, within(0.004));
    assertThat((double) cacheHits / REQUESTS).isCloseTo(0.03, within(0.008));
    assertThat((double) promptCacheReads / REQUESTS).isBetween(0.10, 0.35);
    assertThat(cacheWrites).isPositive();
    assertThat(reasoning).isPositive();

    double chunksPerStream = traffic.stream()
        .mapToLong(events -> events.stream().filter(e -> !e.malformed() && type(e).equals("chunk")).count())
        .filter(n -> n > 0).average().orElseThrow();
    assertThat(chunksPerStream).isBetween(18.0, 22.0);

    Map<String, Long> byProvider = records.stream()
        .collect(Collectors.groupingBy(CostRecord::provider, TreeMap::new, Collectors.counting()));
    assertThat(byProvider.keySet()).contains("openai", "anthropic", "google", "bedrock", "deepseek", "groq",
        "openrouter");
    assertThat(byProvider.get("openai")).isGreaterThan(byProvider.get("google"));
    assertThat(byProvider.get("anthropic")).isGreaterThan(byProvider.get("bedrock"));
    assertThat(byProvider.values()).allMatch(n -> n >= REQUESTS / 50);
    assertThat(records.stream().map(CostRecord::model).distinct().count()).isGreaterThanOrEqualTo(25);
    assertThat(records.stream().filter(r -> r.pricingStatus() == PricingStatus.PROVIDER_REPORTED)).isNotEmpty();
  }

  @Test
  void requestBodiesAverageAboutOneAndAHalfKilobytes() throws IOException {
    long bytes = 0;
    for (List<GeneratedEvent> events : traffic) {
      JsonNode request = Json.MAPPER.readTree(events.get(0).value());
      assertThat(request.path("event_type").asText()).isEqualTo("request");
      bytes += Json.MAPPER.writeValueAsBytes(request.get("request_body")).length;
    }
    assertThat((double) bytes / REQUESTS).isBetween(1_300.0, 1_700.0);
  }

  @Test
  void callersAreTaggedWithUsersTiersSessionsAndProperties() {
    Map<String, Set<String>> sessionPaths = new HashMap<>();
    Set<String> tiers = new HashSet<>();
    Set<String> environments = new HashSet<>();
    Set<String> users = new HashSet<>();
    for (CostRecord r : records) {
      assertThat(r.userId()).startsWith("user-");
      assertThat(r.properties()).containsKeys("Tier", "Environment", "Feature");
      users.add(r.userId());
      tiers.add(r.properties().get("Tier"));
      environments.add(r.properties().get("Environment"));
      if (r.sessionId() != null) {
        assertThat(r.sessionName()).isNotBlank();
        assertThat(r.sessionPath()).startsWith("/");
        sessionPaths.computeIfAbsent(r.sessionName(), k -> new HashSet<>()).add(r.sessionPath());
      }
    }
    long inSessions = records.stream().filter(r -> r.sessionId() != null).count();
    long sessions = records.stream().map(CostRecord::sessionId).filter(s -> s != null).distinct().count();
    assertThat((double) inSessions / REQUESTS).isCloseTo(0.85, within(0.02));
    assertThat(sessions).isBetween(500L, (long) inSessions / 2);
    assertThat(sessionPaths).hasSize(5).allSatisfy((name, paths) -> assertThat(paths.size()).isGreaterThan(1));
    assertThat(tiers).containsExactlyInAnyOrder("free", "premium");
    assertThat(environments).containsExactlyInAnyOrder("production", "staging", "development");
    assertThat(users.size()).isBetween(200, 500);
  }

  @Test
  void eventsOfARequestComeInProducerOrder() throws IOException {
    for (List<GeneratedEvent> events : traffic.subList(0, 500)) {
      List<String> types = new ArrayList<>();
      int seq = 0;
      for (GeneratedEvent e : events) {
        if (e.malformed()) {
          continue;
        }
        JsonNode node = Json.MAPPER.readTree(e.value());
        assertThat(e.requestId()).isEqualTo(node.path("request_id").asText());
        types.add(node.path("event_type").asText());
        if (node.has("seq")) {
          assertThat(node.get("seq").asInt()).isEqualTo(seq++);
        }
      }
      assertThat(types.get(0)).isEqualTo("request");
      assertThat(types.get(types.size() - 1)).isEqualTo("response");
      assertThat(types.subList(1, types.size() - 1)).allMatch("chunk"::equals);
    }
  }

  private static List<byte[]> flatten(TrafficGenerator generator, int requests) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      generator.nextRequest(START.plusSeconds(i)).forEach(e -> out.add(e.value()));
    }
    return out;
  }

  private static String type(GeneratedEvent e) {
    try {
      return Json.MAPPER.readTree(e.value()).path("event_type").asText();
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String text(GeneratedEvent e) {
    String s = new String(e.value(), java.nio.charset.StandardCharsets.UTF_8);
    return s.length() > 600 ? s.substring(0, 600) + "…" : s;
  }
}
