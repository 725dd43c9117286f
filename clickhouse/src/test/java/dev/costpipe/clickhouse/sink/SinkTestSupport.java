package dev.costpipe.clickhouse.sink;

import dev.costpipe.testsupport.Await;
import static org.assertj.core.api.Assertions.fail;

import dev.costpipe.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Running a sink on its own thread against the test broker, and waiting for what it should do. */
final class SinkTestSupport {
  private SinkTestSupport() {}

  record Topics(String costs, String aggregates, String alerts, String deadLetters) {
    static Topics unique() {
      String id = TestRecords.unique("t");
      return new Topics(id + ".costs", id + ".aggregates", id + ".alerts", id + ".sink-dlq");
    }

    List<String> sources() {
      return List.of(costs, aggregates, alerts);
    }
  }

  static Properties settings(KafkaTestBroker broker, String clickHouseUrl, String db, Topics topics, String group) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", broker.bootstrapServers());
    p.setProperty("group.id", group);
    p.setProperty("costpipe.sink.clickhouse.url", clickHouseUrl);
    p.setProperty("costpipe.sink.clickhouse.database", db);
    p.setProperty("costpipe.sink.clickhouse.user", "default");
    p.setProperty("costpipe.sink.clickhouse.batch-rows", "100");
    p.setProperty("costpipe.sink.clickhouse.batch-ms", "200");
    p.setProperty("costpipe.sink.clickhouse.retry-backoff-ms", "50");
    p.setProperty("costpipe.sink.clickhouse.retry-backoff-max-ms", "400");
    p.setProperty("costpipe.topic.costs", topics.costs());
    p.setProperty("costpipe.topic.cost-aggregates", topics.aggregates());
    p.setProperty("costpipe.topic.cost-alerts", topics.alerts());
    p.setProperty("costpipe.topic.sink-dead-letter", topics.deadLetters());
    // quicker group joins and rebalances in tests
    p.setProperty("session.timeout.ms", "6000");
    p.setProperty("heartbeat.interval.ms", "500");
    return p;
  }

  /** A sink running on a thread of its own; {@link #close()} stops it and rethrows what run() threw. */
  static final class RunningSink implements AutoCloseable {
    final ClickHouseSink sink;
    private final Thread thread;
    private volatile Throwable failure;

    RunningSink(ClickHouseSinkConfig config) {
      sink = new ClickHouseSink(config);
      thread = new Thread(() -> {
        try {
          sink.run();
        } catch (Throwable t) {
          failure = t;
        }
      }, "clickhouse-sink-under-test");
      thread.setDaemon(true);
      thread.start();
    }

    /** The metrics; fails the test at once if run() has thrown. */
    ClickHouseSinkMetrics metrics() {
      if (failure != null) {
        throw new AssertionError("the sink's run() failed", failure);
      }
      return sink.metrics();
    }

    boolean isRunning() {
      return thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
      sink.close();
      thread.join(TimeUnit.SECONDS.toMillis(30));
      if (thread.isAlive()) {
        fail("the sink did not stop within 30 s");
      }
      if (failure != null) {
        throw new AssertionError("the sink's run() failed", failure);
      }
    }
  }

  static void await(Duration timeout, String what, BooleanSupplier condition) {
    await(timeout, () -> what, condition);
  }

  static void await(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
    Await.until(what, timeout, condition);
  }

  static Admin admin(KafkaTestBroker broker) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return Admin.create(p);
  }

  /** Partitions of the topics whose committed offset for the group is behind the end of the log. */
  static Map<TopicPartition, String> uncommitted(KafkaTestBroker broker, String group, List<String> topics) {
    try (Admin admin = admin(broker)) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (var d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
        d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
      }
      Map<TopicPartition, String> behind = new HashMap<>();
      admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> {
        OffsetAndMetadata c = committed.get(tp);
        long at = c == null ? 0 : c.offset();
        if (at != info.offset()) {
          behind.put(tp, at + "/" + info.offset());
        }
      });
      return behind;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moves an idle group's committed offsets back to the start of every partition of the topics. */
  static void resetToEarliest(KafkaTestBroker broker, String group, List<String> topics) {
    try (Admin admin = admin(broker)) {
      Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
      for (var d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
        d.partitions().forEach(p -> zero.put(new TopicPartition(d.name(), p.partition()), new OffsetAndMetadata(0)));
      }
      admin.alterConsumerGroupOffsets(group, zero).all().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String headers(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> r) {
    return java.util.stream.StreamSupport.stream(r.headers().spliterator(), false)
        .map(h -> h.key() + "=" + new String(h.value(), java.nio.charset.StandardCharsets.UTF_8))
        .collect(Collectors.joining(", "));
  }

  static String header(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
