package dev.costpipe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.pricing.PricingHolder;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The names a running application's state hangs on: its stores (and their changelog topics) and its repartition
 * topics. Renaming one would leave the state behind on an upgrade.
 */
class TopologyNamesTest {
  @Test
  void storesAndRepartitionTopicsKeepTheirNames() {
    TopologyDescription d = new CostpipeTopology(TopologyConfig.from(new Properties()), new PricingHolder(),
        new AlertRulesHolder(), new PipelineCounters()).build().describe();
    Set<String> stores = new TreeSet<>();
    Set<String> sinks = new TreeSet<>();
    d.subtopologies().forEach(s -> s.nodes().forEach(n -> {
      if (n instanceof TopologyDescription.Processor p) {
        stores.addAll(p.stores());
      }
      if (n instanceof TopologyDescription.Sink sink) {
        sinks.add(sink.topic());
      }
    }));
    d.globalStores().forEach(g -> stores.addAll(g.processor().stores()));

    assertThat(stores).containsExactly("aggregate-combiner", "aggregates-1d", "aggregates-1h", "alert-rule-seeds", "alert-rule-versions",
        "alert-rules", "alert-windows",
        "completed-request-ids", "incomplete-costs", "open-requests", "pricing-entries");
    assertThat(sinks).containsExactly("alert-seeds-repartition", "cost-by-dimension-repartition", "events-by-request-id-repartition",
        "llm.cost-aggregates", "llm.cost-alerts", "llm.costs", "llm.raw-events.dlq", "spend-by-rule-repartition");
  }
}
