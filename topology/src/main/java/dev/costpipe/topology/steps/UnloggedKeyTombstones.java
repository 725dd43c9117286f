package dev.costpipe.topology.steps;

import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * Keeps a cached, logged key-value store from writing a tombstone to its changelog for a key the changelog never
 * had: a key put and removed between two commits (a request whose events all came in one commit interval, a sum
 * made and sent in one) then writes nothing, where it wrote one tombstone each (0.13 and 0.27 records per raw
 * event on the benchmark's traffic).
 *
 * <p>Kafka Streams' record cache already skips those writes for the stores of its own tables, which listen to the
 * cache's flushes; a store of a processor has no listener, and then every removal is written. This gives the store
 * a listener that does nothing: the cache then writes a removal only where the store below it holds the key. The
 * store below is the changelog's own copy (every write reaches both), so the changelog, and any restore from it,
 * is as before: a key it has is still removed by a tombstone. That holds under exactly-once only, where a task
 * closed dirty has its state wiped and restored, so the store below never lacks a key the committed changelog has;
 * at least once, a removal may reach the store while its tombstone is lost in a crash, and the changelog would then
 * keep the key for good: there every removal is still written. Without a record cache
 * ({@code statestore.cache.max.bytes} 0) every write reaches the changelog anyway and this does nothing. It uses
 * Kafka Streams' internal classes: {@code UnloggedKeyTombstonesTest} fails on a Kafka upgrade that changes them.
 */
final class UnloggedKeyTombstones {
  private UnloggedKeyTombstones() {}

  /**
   * @param store a key-value store built with caching and logging, as {@code getStateStore} returns it
   * @param appConfigs the application's settings ({@code ProcessorContext.appConfigs()})
   */
  static void skip(StateStore store, Map<String, Object> appConfigs) {
    boolean exactlyOnce = StreamsConfig.EXACTLY_ONCE_V2.equals(
        String.valueOf(appConfigs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)));
    if (exactlyOnce && store instanceof WrappedStateStore<?, ?, ?> w) {
      CachingKeyValueStore cache = w.findInner(CachingKeyValueStore.class);
      if (cache != null) {
        cache.setFlushListener(flushed -> {}, false);
        WriteBehindStore<?, ?> writeBehind = w.findInner(WriteBehindStore.class);
        if (writeBehind != null) {
          writeBehind.dropRemovalsOfAbsentKeys();
        }
      }
    }
  }
}
