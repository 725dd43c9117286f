package dev.costpipe.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.TopologyFixture;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The spend counters of priced requests, as Prometheus scrapes them: bounded labels, exact values. */
class SpendMetersTest {
  private static final String AT = "2026-06-01T00:00:00Z";

  @Test
  void spendRequestsAndTokensByProviderCatalogueModelAndPricingStatus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TopologyFixture f = new TopologyFixture().withBuiltInPrices()) {
      f.send(Events.openAi("a", AT, "gpt-4o-mini", 1000, 100, Map.of("Helicone-User-Id", "alice")));
      f.send(Events.openAi("b", AT, "gpt-4o-mini-2024-07-18", 2000, 200, Map.of("Helicone-User-Id", "bob")));
      f.send(Events.openAi("c", AT, "no-such-model-1", 10, 1, Map.of("Helicone-Session-Id", "s1")));
      List<CostRecord> costs = f.readCosts();
      long miniCost = costs.get(0).costNanoUsd() + costs.get(1).costNanoUsd();
      new SpendMeters(f.counters.spend()).refresh(registry);

      String mini = "{model=\"openai/gpt-4o-mini\",pricing_status=\"priced\",provider=\"openai\"";
      String unknown = "{model=\"other\",pricing_status=\"unknown_model\",provider=\"openai\"";
      assertThat(samples(registry.scrape())).isEqualTo(Set.of(
          "costpipe_requests_total" + mini + "} 2.0",
          "costpipe_requests_total" + unknown + "} 1.0",
          "costpipe_spend_usd_total" + mini + "} " + usd(miniCost),
          "costpipe_spend_usd_total" + unknown + "} 0.0",
          "costpipe_tokens_total" + mini + ",type=\"input\"} 3000.0",
          "costpipe_tokens_total" + mini + ",type=\"output\"} 300.0",
          "costpipe_tokens_total" + unknown + ",type=\"input\"} 10.0",
          "costpipe_tokens_total" + unknown + ",type=\"output\"} 1.0"));
    } finally {
      registry.close();
    }
  }

  @Test
  void anUnknownModelOrProviderAddsNoLabelValue() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TopologyFixture f = new TopologyFixture().withBuiltInPrices()) {
      SpendMeters meters = new SpendMeters(f.counters.spend());
      f.send(Events.openAi("a", AT, "no-such-model-1", 10, 1, Map.of()));
      meters.refresh(registry);
      String before = registry.scrape();
      f.send(Events.openAi("b", AT, "no-such-model-2", 20, 2, Map.of()));
      meters.refresh(registry);
      String after = registry.scrape();
      assertThat(labelSets(after)).isEqualTo(labelSets(before))
          .containsExactly("{model=\"other\",pricing_status=\"unknown_model\",provider=\"openai\"}");
      assertThat(samples(after)).contains(
          "costpipe_requests_total{model=\"other\",pricing_status=\"unknown_model\",provider=\"openai\"} 2.0");

      f.send(Events.openAi("c", AT, "gpt-4o-mini", 10, 1, Map.of()).replace("\"provider\":\"openai\"",
          "\"provider\":\"acme-gateway-7\""));
      meters.refresh(registry);
      String withUnknownProvider = registry.scrape();
      assertThat(labelSets(withUnknownProvider)).contains(
          "{model=\"openai/gpt-4o-mini\",pricing_status=\"priced\",provider=\"other\"}").hasSize(2);
      assertThat(withUnknownProvider).doesNotContain("no-such-model", "acme-gateway-7");
    } finally {
      registry.close();
    }
  }

  private static Set<String> labelSets(String scrape) {
    return samples(scrape).stream().map(l -> l.substring(l.indexOf('{'), l.indexOf('}') + 1)
        .replaceAll(",type=\"\\w+\"", "")).collect(Collectors.toSet());
  }

  /** The samples of the spend meters, one line each. */
  private static Set<String> samples(String scrape) {
    return Arrays.stream(scrape.split("\n"))
        .filter(l -> l.startsWith("costpipe_requests_total") || l.startsWith("costpipe_spend_usd_total")
            || l.startsWith("costpipe_tokens_total"))
        .collect(Collectors.toSet());
  }

  private static String usd(long nano) {
    return String.valueOf(BigDecimal.valueOf(nano, 9).doubleValue());
  }
}
