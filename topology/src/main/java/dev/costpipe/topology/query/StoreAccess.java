package dev.costpipe.topology.query;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;

/**
 * Kafka Streams' interactive queries as costpipe's endpoints use them: who owns a key (the streams metadata), and
 * a store of this instance's active task for one partition. Only active, RUNNING tasks answer (no stale standby
 * reads): anything else is a {@link StoreUnavailable}, so a restoring store never answers zero.
 */
public final class StoreAccess {
  /** How long a caller should wait before asking again while a store restores or moves. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(2);

  private final Supplier<KafkaStreams> streams;
  private final HostInfo self;

  /** @param self this instance's {@code application.server}, as the other instances see it */
  public StoreAccess(Supplier<KafkaStreams> streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  public HostInfo self() {
    return self;
  }

  /** The owner of {@code key}'s partition of {@code store} (keys as the topology partitions them: strings). */
  public KeyOwner owner(String store, String key) {
    KeyQueryMetadata m;
    try {
      m = running().queryMetadataForKey(store, key, Serdes.String().serializer());
    } catch (IllegalStateException | InvalidStateStoreException e) {
      throw new StoreUnavailable("no metadata for store " + store + " yet: " + e.getMessage(), RETRY_AFTER);
    }
    if (m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE) || m.activeHost() == null
        || m.activeHost().equals(HostInfo.unavailable())) {
      throw new StoreUnavailable("no instance owns store " + store + "'s partition of this key yet (rebalancing)",
          RETRY_AFTER);
    }
    return new KeyOwner(m.activeHost(), m.partition(), m.activeHost().equals(self));
  }

  /**
   * {@code read} of this instance's active store for one partition. The store is checked when read, not when
   * handed out (a partition that moved away since the metadata was read fails then): both are covered.
   */
  public <T, R> R local(String store, QueryableStoreType<T> type, int partition, Function<T, R> read) {
    try {
      return read.apply(running().store(StoreQueryParameters.fromNameAndType(store, type).withPartition(partition)));
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailable("store " + store + " partition " + partition
          + " is restoring or moving to another instance", RETRY_AFTER);
    }
  }

  /** {@code read} of a global store (every instance holds all of it). */
  public <T, R> R global(String store, QueryableStoreType<T> type, Function<T, R> read) {
    try {
      return read.apply(running().store(StoreQueryParameters.fromNameAndType(store, type)));
    } catch (InvalidStateStoreException e) {
      throw new StoreUnavailable("store " + store + " is not ready", RETRY_AFTER);
    }
  }

  private KafkaStreams running() {
    KafkaStreams s = streams.get();
    if (s == null) {
      throw new StoreUnavailable("starting: creating topics and publishing the catalogue", RETRY_AFTER);
    }
    KafkaStreams.State state = s.state();
    if (state != KafkaStreams.State.RUNNING) {
      throw new StoreUnavailable("Kafka Streams is " + state + ", not RUNNING", RETRY_AFTER);
    }
    return s;
  }
}
