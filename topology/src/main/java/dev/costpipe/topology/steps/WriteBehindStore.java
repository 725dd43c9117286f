package dev.costpipe.topology.steps;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A cached key-value store whose puts reach the store below (serialized, into Kafka Streams' record cache) only
 * when that cache is flushed, just before each commit: a key put after every record of a commit interval is then
 * serialized once per commit instead of once per record (the merge step's open requests, their events' bytes
 * each time; the combiner's sums). Removals go through at once. What reaches the record cache, and from it the
 * changelog, at each commit is what it got before: each key's last value, with the record context of its last
 * put.
 *
 * <p>Kafka Streams flushes every store's record cache (outermost store first, this one) before it writes the
 * changelogs and commits, also when a task closes cleanly; a task closed dirty drops what this holds, as its
 * store rolls back to the last commit. Reads see what is held here first; a scan writes it through first. Only
 * for stores the processor reads back through this wrapper (never interactive queries, which would miss it). It
 * uses Kafka Streams' internal classes: {@code WriteBehindStoreTest} fails on a Kafka upgrade that changes them.
 *
 * <p>Where the record cache drops the tombstones of keys the store below lacks ({@link UnloggedKeyTombstones}), a
 * key a read found missing below and removed before the next flush is removed here only (the merge step's
 * requests opened and completed between two commits): the store below would get a tombstone, looked up twice and
 * then dropped, for a key it never had.
 */
final class WriteBehindStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
    implements KeyValueStore<K, V> {
  private record Held<V>(V value, ProcessorRecordContext context) {}

  private final Map<K, Held<V>> held = new LinkedHashMap<>();
  /** Keys a read found missing from the store below since the last flush, when their removals need not reach it. */
  private final Set<K> absentBelow = new HashSet<>();
  private boolean removalsOfAbsentKeysDropped;
  private InternalProcessorContext<?, ?> context;

  private WriteBehindStore(KeyValueStore<K, V> wrapped) {
    super(wrapped);
  }

  /** {@code builder}'s stores (cached: the record cache is what is flushed before a commit), wrapped. */
  static <K, V> StoreBuilder<KeyValueStore<K, V>> of(StoreBuilder<KeyValueStore<K, V>> builder) {
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
        builder.withCachingEnabled();
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
        builder.withCachingDisabled();
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
        builder.withLoggingEnabled(config);
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
        builder.withLoggingDisabled();
        return this;
      }

      @Override
      public KeyValueStore<K, V> build() {
        return new WriteBehindStore<>(builder.build());
      }

      @Override
      public Map<String, String> logConfig() {
        return builder.logConfig();
      }

      @Override
      public boolean loggingEnabled() {
        return builder.loggingEnabled();
      }

      @Override
      public String name() {
        return builder.name();
      }
    };
  }

  /**
   * Called where the record cache below drops the tombstone of a key the store below it lacks
   * ({@link UnloggedKeyTombstones}): a key removed that a read found missing below is then not removed there.
   */
  void dropRemovalsOfAbsentKeys() {
    removalsOfAbsentKeysDropped = true;
  }

  @Override
  public void init(StateStoreContext stateStoreContext, StateStore root) {
    held.clear();
    absentBelow.clear();
    context = (InternalProcessorContext<?, ?>) stateStoreContext;
    super.init(stateStoreContext, root);
  }

  @Override
  public void put(K key, V value) {
    if (value == null) {
      delete(key);
      return;
    }
    held.put(key, new Held<>(value, context.recordContext()));
  }

  @Override
  public V putIfAbsent(K key, V value) {
    V old = get(key);
    if (old == null) {
      put(key, value);
    }
    return old;
  }

  @Override
  public void putAll(List<KeyValue<K, V>> entries) {
    entries.forEach(e -> put(e.key, e.value));
  }

  @Override
  public V delete(K key) {
    Held<V> h = held.remove(key);
    V old = absentBelow.remove(key) ? null : wrapped().delete(key);
    return h != null ? h.value() : old;
  }

  @Override
  public V get(K key) {
    Held<V> h = held.get(key);
    if (h != null) {
      return h.value();
    }
    V below = wrapped().get(key);
    if (below == null && removalsOfAbsentKeysDropped) {
      absentBelow.add(key);
    }
    return below;
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    writeThrough();
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<K, V> reverseRange(K from, K to) {
    writeThrough();
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<K, V> all() {
    writeThrough();
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<K, V> reverseAll() {
    writeThrough();
    return wrapped().reverseAll();
  }

  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
    writeThrough();
    return wrapped().prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    writeThrough();
    return wrapped().approximateNumEntries();
  }

  @Override
  public void flushCache() {
    writeThrough();
    super.flushCache();
  }

  @Override
  public void clearCache() {
    held.clear();
    absentBelow.clear();
    super.clearCache();
  }

  @Override
  public void close() {
    held.clear();
    absentBelow.clear();
    super.close();
  }

  /** Puts what is held into the store below, each with the record context of its last put. */
  private void writeThrough() {
    absentBelow.clear();
    if (held.isEmpty()) {
      return;
    }
    ProcessorRecordContext current = context.recordContext();
    try {
      for (Map.Entry<K, Held<V>> e : held.entrySet()) {
        context.setRecordContext(e.getValue().context());
        wrapped().put(e.getKey(), e.getValue().value());
      }
    } finally {
      context.setRecordContext(current);
    }
    held.clear();
  }
}
