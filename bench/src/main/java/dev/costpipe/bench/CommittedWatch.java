package dev.costpipe.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * When each record of a topic first becomes readable by a {@code read_committed} consumer (as the sink and the
 * notifier read): the wall-clock time a consumer polling from the topic's end receives it, by key. A record is
 * appended when written but readable only once its transaction commits, so this is the latency users see.
 */
final class CommittedWatch implements AutoCloseable {
  private final Map<String, Long> seenAtMs = new ConcurrentHashMap<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  CommittedWatch(String bootstrap, String topic) {
    consumer = TopicScan.committedReader(bootstrap, topic);
    consumer.seekToEnd(consumer.assignment());
    consumer.assignment().forEach(consumer::position); // resolve the end now, before any traffic
    thread = new Thread(this::poll, "bench-committed-watch");
    thread.start();
  }

  private void poll() {
    while (running) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        if (r.key() != null) {
          seenAtMs.putIfAbsent(new String(r.key(), StandardCharsets.UTF_8), System.currentTimeMillis());
        }
      }
    }
    consumer.close();
  }

  /** Wall-clock ms at which the record with this key was first received, or null. */
  Long seenAtMs(String key) {
    return seenAtMs.get(key);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join();
  }
}
