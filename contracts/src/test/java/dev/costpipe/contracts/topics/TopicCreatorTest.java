package dev.costpipe.contracts.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real broker: what is created, what is left alone, and what a failure says. */
class TopicCreatorTest {
  private static Admin admin;
  private static TopicCreator creator;

  @BeforeAll
  static void connect() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.shared().bootstrapServers());
    admin = Admin.create(p);
    creator = new TopicCreator(admin, Duration.ofSeconds(30));
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void createsTheMissingTopicsWithTheirPartitionsAndConfigs() throws Exception {
    String compacted = unique("compacted");
    String plain = unique("plain");
    List<String> created = creator.createMissing(List.of(
        new NewTopic(plain, Optional.of(3), Optional.empty())
            .configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime")),
        new NewTopic(compacted, Optional.of(1), Optional.empty())
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));

    assertThat(created).containsExactly(compacted, plain);
    assertThat(creator.existing()).contains(compacted, plain);
    TopicDescription d = admin.describeTopics(List.of(plain)).allTopicNames().get().get(plain);
    assertThat(d.partitions()).hasSize(3);
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, compacted);
    assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
  }

  @Test
  void leavesExistingTopicsAsTheyAre() throws Exception {
    String name = unique("existing");
    creator.createMissing(List.of(new NewTopic(name, Optional.of(2), Optional.empty())));

    assertThat(creator.createMissing(List.of(new NewTopic(name, Optional.of(5), Optional.empty())))).isEmpty();
    // as when another client created it between the listing and the creation
    creator.create(List.of(new NewTopic(name, Optional.of(5), Optional.empty())));

    assertThat(admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions()).hasSize(2);
  }

  @Test
  void aRefusalNamesTheTopicAndTheCause() {
    String name = unique("refused");
    assertThatThrownBy(() -> creator.createMissing(List.of(new NewTopic(name, Optional.of(1), Optional.of((short) 3)))))
        .isInstanceOf(TopicCreator.TopicCreationException.class)
        .hasMessageContaining("cannot create the topic " + name)
        .hasMessageContaining("InvalidReplicationFactorException");
  }
}
