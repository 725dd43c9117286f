package dev.costpipe.topology.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.topology.CostpipeTopology;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.TopologyFixture;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.alert.AlertRulesHolder;
import dev.costpipe.topology.pricing.PricingHolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules a budget query answers with are those in force, but only once the global store they mirror can be
 * read: before, a rule held (or none held) is a 503, never an answer.
 */
class BudgetQueryRulesTest {
  private static final HostInfo SELF = new HostInfo("127.0.0.1", 9464);

  @TempDir
  Path stateDir;

  private static AlertRulesHolder holding(String... ids) {
    AlertRulesHolder rules = new AlertRulesHolder();
    for (String id : ids) {
      rules.put(id, AlertRule.parse(("{\"id\":\"" + id + "\",\"budget_usd\":5}").getBytes(StandardCharsets.UTF_8)));
    }
    return rules;
  }

  @Test
  void notStartedYetIsUnavailableWhateverTheHolderHolds() {
    for (AlertRulesHolder rules : new AlertRulesHolder[] {holding(), holding("alice-daily")}) {
      BudgetQuery query = new BudgetQuery(new StoreAccess(() -> null, SELF), rules);
      assertThatThrownBy(query::all).isInstanceOf(StoreUnavailable.class).hasMessageContaining("starting")
          .extracting(e -> ((StoreUnavailable) e).retryAfter()).isEqualTo(StoreAccess.RETRY_AFTER);
      assertThatThrownBy(() -> query.rule("alice-daily")).isInstanceOf(StoreUnavailable.class);
    }
  }

  @Test
  void anInstanceNotRunningIsUnavailable() {
    Properties settings = TopologyFixture.driverSettings(stateDir);
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    AlertRulesHolder rules = holding("alice-daily");
    KafkaStreams streams = new KafkaStreams(new CostpipeTopology(TopologyConfig.from(new Properties()),
        new PricingHolder(), rules, new PipelineCounters()).build(), settings);
    try {
      BudgetQuery query = new BudgetQuery(new StoreAccess(() -> streams, SELF), rules);
      assertThatThrownBy(query::all).isInstanceOf(StoreUnavailable.class).hasMessageContaining("CREATED");
      assertThatThrownBy(() -> query.rule("alice-daily")).isInstanceOf(StoreUnavailable.class);
    } finally {
      streams.close(Duration.ofSeconds(5));
    }
  }
}
