package dev.costpipe.topology.it;

import static dev.costpipe.topology.it.PipelineHarness.WAIT;
import static dev.costpipe.topology.it.PipelineHarness.assertExactTotals;
import static dev.costpipe.topology.it.PipelineHarness.produce;
import static dev.costpipe.topology.it.PipelineHarness.putRule;
import static dev.costpipe.topology.it.PipelineHarness.settings;
import static dev.costpipe.topology.it.PipelineHarness.startChild;
import static dev.costpipe.topology.it.PipelineHarness.waitForCosts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.contracts.topics.TopicConfigAligner;
import dev.costpipe.testsupport.Await;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.aggregate.Dimension;
import dev.costpipe.topology.aggregate.DimensionSplit;
import dev.costpipe.topology.app.CostpipeApplication;
import dev.costpipe.topology.app.TopicProvisioner;
import dev.costpipe.topology.steps.ChunkMergeStep;
import dev.costpipe.topology.steps.WindowTotalsStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.junit.jupiter.api.Test;

/**
 * The stores' changelogs on a real broker: aggregates survive a crash whatever the events' age (the broker's
 * log cleaner given its chance in between), and a changelog made by an earlier version gets the configs its
 * store asks for when the application starts.
 */
class RestoreIntegrationTest {
  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  @Test
  void trafficDatedSixtyDaysBackSurvivesTheCleanerAndAKill9() throws Exception {
    Properties settings = settings(broker.bootstrapServers(), "it-aged-restore");
    // segments roll every second and any dirt is worth cleaning: the cleaner gets its chance at every changelog
    settings.setProperty("topic." + TopicConfig.SEGMENT_MS_CONFIG, "1000");
    settings.setProperty("topic." + TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01");
    Instant start = Instant.now().minus(Duration.ofDays(60)).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(10));
    MixedTraffic traffic = new MixedTraffic(900, 6, start);
    int mixed = traffic.records.size();
    // an early request alone in the first transactions: its user's windows are written there and nowhere else
    // until its second request, after the crash; its retry after the crash must still be known as one
    Map<String, String> earlyBird = Map.of("Helicone-User-Id", "early-bird");
    String first = Events.openAi("early-1", start.toString(), "gpt-4o-mini", 1_000, 100, earlyBird);
    traffic.add("early-1", first);
    traffic.add("early-2", Events.openAi("early-2", start.plusSeconds(950).toString(), "gpt-4o-mini", 2_000, 200,
        earlyBird));
    String applicationId = settings.getProperty("application.id");
    Path log = Files.createTempFile("costpipe-it-aged-restore", ".log");
    int twoThirds = 2 * mixed / 3;

    Process child = startChild(settings, "512m", log);
    try {
      putRule(settings, traffic);
      produce(settings, List.of(Map.entry("early-1", first)));
      TopicReader.readUntil(broker.bootstrapServers(), settings.getProperty("costpipe.topic.cost-aggregates"),
          got -> got.stream().anyMatch(r -> r.key().startsWith("user/early-bird/1d/")), WAIT);
      produce(settings, traffic.records.subList(0, twoThirds));
      waitForCosts(settings, 200);
      for (Duration size : TopologyConfig.from(settings).aggregateWindows()) {
        awaitCleaned(StateChangelogs.topic(applicationId, WindowTotalsStep.name(size)));
      }
      awaitCleaned(StateChangelogs.topic(applicationId, ChunkMergeStep.COMPLETED_STORE));
      // the cleaner deletes segments past their retention right after each pass: let it make one more
      Thread.sleep(16_000);
    } finally {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    produce(settings, traffic.records.subList(twoThirds, mixed));
    produce(settings, List.of(traffic.records.get(mixed + 1), Map.entry("early-1", first)));
    try (CostpipeApplication app = new CostpipeApplication(settings)) {
      app.start();
      assertExactTotals(settings, traffic);
      // the store itself, restored from its changelog after the kill, then updated: each window exact
      Await.until("Kafka Streams RUNNING", WAIT, () -> app.streams().state() == KafkaStreams.State.RUNNING);
      ReadOnlyWindowStore<String, CostTotals> day = app.streams().store(StoreQueryParameters.fromNameAndType(
          WindowTotalsStep.name(Duration.ofDays(1)), QueryableStoreTypes.<String, CostTotals>windowStore()));
      long dayStart = traffic.day().toEpochMilli();
      CostTotals total = day.fetch(DimensionSplit.key(Dimension.TOTAL, "all"), dayStart);
      assertThat(total.costNanoUsd()).isEqualTo(traffic.expectedTotalNano());
      assertThat(total.requests()).isEqualTo(traffic.expected.size());
      Map<String, long[]> perUser = new HashMap<>();
      traffic.expected.values().stream().filter(c -> c.userId() != null).forEach(c -> {
        long[] sum = perUser.computeIfAbsent(c.userId(), u -> new long[2]);
        sum[0] += c.costNanoUsd() == null ? 0 : c.costNanoUsd();
        sum[1]++;
      });
      assertThat(perUser.get("early-bird")[1]).isEqualTo(2);
      perUser.forEach((user, sum) -> {
        CostTotals t = day.fetch(DimensionSplit.key(Dimension.USER, user), dayStart);
        assertThat(t.costNanoUsd()).as(user).isEqualTo(sum[0]);
        assertThat(t.requests()).as(user).isEqualTo(sum[1]);
        assertThat(t.version()).as(user).isEqualTo(sum[1]);
      });
    }
  }

  @Test
  void startSetsTheStoresConfigsOnChangelogsMadeByAnEarlierVersion() throws Exception {
    Properties settings = settings(broker.bootstrapServers(), "it-changelog-configs");
    TopologyConfig config = TopologyConfig.from(settings);
    String applicationId = settings.getProperty("application.id");
    List<String> changelogs = StateChangelogs.configs(config).keySet().stream()
        .map(store -> StateChangelogs.topic(applicationId, store)).toList();
    String aggregates = StateChangelogs.topic(applicationId, WindowTotalsStep.name(Duration.ofHours(1)));
    String completed = StateChangelogs.topic(applicationId, ChunkMergeStep.COMPLETED_STORE);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      try (CostpipeApplication app = new CostpipeApplication(settings)) {
        app.start();
        Await.until("Kafka Streams RUNNING", WAIT, () -> app.streams().state() == KafkaStreams.State.RUNNING);
      }
      assertKeptByAppendTime(admin, changelogs);

      setCreateTime(admin, List.of(aggregates, completed));
      assertThat(TopicProvisioner.alignChangelogs(admin, config, applicationId)).containsExactly(
          new TopicConfigAligner.Change(aggregates, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
              "LogAppendTime"),
          new TopicConfigAligner.Change(completed, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
              "LogAppendTime"));
      assertThat(TopicProvisioner.alignChangelogs(admin, config, applicationId)).isEmpty();

      setCreateTime(admin, List.of(aggregates));
      try (CostpipeApplication app = new CostpipeApplication(settings)) {
        app.start();
        assertKeptByAppendTime(admin, changelogs);
      }
    }
  }

  /** Waits until the broker's log cleaner has cleaned a partition of the topic (15 s between idle passes). */
  private void awaitCleaned(String topic) {
    Path checkpoint = broker.directory().resolve("data").resolve("cleaner-offset-checkpoint");
    Await.until("the log cleaner to clean " + topic, WAIT, () -> {
      try {
        return Files.exists(checkpoint)
            && Files.readAllLines(checkpoint).stream().anyMatch(l -> l.startsWith(topic + " "));
      } catch (IOException e) {
        return false; // being rewritten
      }
    });
  }

  private static void assertKeptByAppendTime(Admin admin, Collection<String> topics) throws Exception {
    var configs = admin.describeConfigs(topics.stream()
        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get(30, TimeUnit.SECONDS);
    assertThat(configs).hasSize(topics.size());
    configs.forEach((r, c) -> assertThat(c.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).as(r.name())
        .isEqualTo("LogAppendTime"));
  }

  private static void setCreateTime(Admin admin, List<String> topics) throws Exception {
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
    for (String t : topics) {
      ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(new AlterConfigOp(
          new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime"), AlterConfigOp.OpType.SET)));
    }
    admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
  }
}
