package dev.costpipe.notify;

import dev.costpipe.contracts.topics.TopicCreator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The notifier's Kafka side as configured: its topics, and the settings its consumer and producer always get. */
final class NotifierKafkaSetup {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private NotifierKafkaSetup() {}

  /** Creates the delivered and failed topics when missing (unless topics.create is false); alerts are waited for. */
  static void ensureTopics(NotifierConfig config) {
    try (Admin admin = Admin.create(commonSettings(config))) {
      TopicCreator topics = new TopicCreator(admin, ADMIN_TIMEOUT);
      Set<String> existing = topics.existing();
      if (!existing.contains(config.alertsTopic())) {
        LOG.warn("the alerts topic {} does not exist (yet): waiting for the streaming application to create it",
            config.alertsTopic());
      }
      List<NewTopic> missing = new ArrayList<>();
      if (!existing.contains(config.deliveredTopic())) {
        missing.add(new NewTopic(config.deliveredTopic(), Optional.of(1), Optional.empty()).configs(Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(config.deliveredRetention().toMillis()))));
      }
      if (!existing.contains(config.failedTopic())) {
        missing.add(new NewTopic(config.failedTopic(), Optional.of(1), Optional.empty()));
      }
      if (missing.isEmpty()) {
        return;
      }
      List<String> names = missing.stream().map(NewTopic::name).toList();
      if (!config.createTopics()) {
        throw new NotifierException("missing topics " + names + " and topics.create is false");
      }
      topics.create(missing);
      LOG.info("created topics {}", names);
    } catch (TopicCreator.TopicCreationException e) {
      throw new NotifierException("cannot check or create the notifier's topics on " + config.bootstrapServers()
          + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotifierException("interrupted while checking the notifier's topics", e);
    }
  }

  static Properties commonSettings(NotifierConfig config) {
    Properties p = new Properties();
    p.putAll(config.kafka());
    p.put("bootstrap.servers", config.bootstrapServers());
    return p;
  }

  static Properties consumerSettings(NotifierConfig config) {
    Properties p = commonSettings(config);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "costpipe-notifier");
    p.putAll(config.consumer());
    if (config.consumer().containsKey(ConsumerConfig.ISOLATION_LEVEL_CONFIG)
        && !"read_committed".equals(config.consumer().get(ConsumerConfig.ISOLATION_LEVEL_CONFIG))) {
      LOG.warn("consumer isolation.level is always read_committed for the notifier");
    }
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return p;
  }

  static Properties producerSettings(NotifierConfig config) {
    Properties p = commonSettings(config);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "costpipe-notifier");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.putAll(config.producer());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return p;
  }
}
