package dev.costpipe.topology.it;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * librdkafka's default partitioner ({@code consistent_random}), the one of the Python, Go and Node clients: a
 * keyed record goes to {@code crc32(key) % partitions}, an unkeyed one to a random partition.
 */
public final class Crc32Partitioner implements Partitioner {

  @Override
  public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
    int partitions = cluster.partitionCountForTopic(topic);
    if (keyBytes == null) {
      return ThreadLocalRandom.current().nextInt(partitions);
    }
    CRC32 crc = new CRC32();
    crc.update(keyBytes);
    return (int) (crc.getValue() % partitions);
  }

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public void close() {}
}
