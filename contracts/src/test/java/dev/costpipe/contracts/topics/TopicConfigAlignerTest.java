package dev.costpipe.contracts.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.testsupport.Await;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real broker: what differs is set, the rest and missing topics are left alone, a refusal says why. */
class TopicConfigAlignerTest {
  private static Admin admin;
  private static TopicCreator creator;
  private static TopicConfigAligner aligner;

  @BeforeAll
  static void connect() {
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        KafkaTestBroker.shared().bootstrapServers()));
    creator = new TopicCreator(admin, Duration.ofSeconds(30));
    aligner = new TopicConfigAligner(admin, Duration.ofSeconds(30));
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  /** A topic just created may not be listed yet (metadata reaches the broker's cache a moment later). */
  private static void awaitListed(String... names) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!creator.existing().containsAll(List.of(names))) {
      assertThat(System.nanoTime()).as("topics %s listed within 30 s", List.of(names)).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static org.apache.kafka.clients.admin.Config describe(ConfigResource resource) {
    try {
      return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    } catch (Exception e) {
      throw new IllegalStateException("describeConfigs " + resource.name() + ": " + e, e);
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void setsTheValuesThatDifferAndLeavesTheOthers() throws Exception {
    String wrong = unique("wrong");
    String right = unique("right");
    String missing = unique("missing");
    creator.createMissing(List.of(
        new NewTopic(wrong, Optional.of(1), Optional.empty())
            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000")),
        new NewTopic(right, Optional.of(1), Optional.empty())
            .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"))));
    awaitListed(wrong, right);
    Map<String, String> wanted = Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");

    assertThat(aligner.align(Map.of(wrong, wanted, right, wanted, missing, wanted))).containsExactly(
        new TopicConfigAligner.Change(wrong, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime", "LogAppendTime"));

    // the change is committed when align returns; the broker answering describeConfigs applies it a moment later
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, wrong);
    Await.until("the altered timestamp type visible", Duration.ofSeconds(30),
        () -> "LogAppendTime".equals(describe(resource).get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()));
    var config = describe(resource);
    assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value()).as("left as it was").isEqualTo("3600000");
    assertThat(creator.existing()).doesNotContain(missing);
    assertThat(aligner.align(Map.of(wrong, wanted))).isEmpty();
  }

  @Test
  void aRefusalNamesTheTopicAndTheCause() throws Exception {
    String name = unique("refused");
    creator.createMissing(List.of(new NewTopic(name, Optional.of(1), Optional.empty())));
    awaitListed(name);
    assertThatThrownBy(() -> aligner.align(Map.of(name, Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "Sometime"))))
        .isInstanceOf(TopicCreator.TopicCreationException.class)
        .hasMessageContaining("cannot alter the configs of [" + name + "]");
  }
}
