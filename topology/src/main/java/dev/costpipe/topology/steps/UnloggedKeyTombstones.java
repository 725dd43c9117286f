package dev.costpipe.topology.steps;

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
 * is as before: a key it has is still removed by a tombstone. Without a record cache
 * ({@code statestore.cache.max.bytes} 0) every write reaches the changelog anyway and this does nothing. It uses
 * Kafka Streams' internal classes: {@code UnloggedKeyTombstonesTest} fails on a Kafka upgrade that changes them.
 */
final class UnloggedKeyTombstones {
  private UnloggedKeyTombstones() {}

  /** @param store a key-value store built with caching and logging, as {@code getStateStore} returns it */
  static void skip(StateStore store) {
    if (store instanceof WrappedStateStore<?, ?, ?> w) {
      CachingKeyValueStore cache = w.findInner(CachingKeyValueStore.class);
      if (cache != null) {
        cache.setFlushListener(flushed -> {}, false);
      }
    }
  }
}
