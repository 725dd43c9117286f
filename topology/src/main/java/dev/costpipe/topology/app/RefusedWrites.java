package dev.costpipe.topology.app;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The writes the broker refused, remembered by what they were (topic, key, value, timestamp) with why, so that the
 * same write made again — exactly-once processing re-runs the aborted transaction's input — is recognised and
 * diverted ({@link RefusedWriteDiverter}) instead of being refused again in a loop. Bounded: the oldest are
 * forgotten first, long after their retry.
 *
 * <p>A timestamp refusal also teaches the topic's bound: a write to that topic at least as far in the past (or the
 * future) as one refused would be refused too, since the broker measures from its own clock, so it is diverted
 * at once. Writes sent after the first refusal of a transaction fail with the transaction's error, not their own;
 * the bound keeps those from costing one more aborted transaction each.
 */
public final class RefusedWrites {
  /** The setting through which the application hands this registry to the handler and the producer interceptor. */
  public static final String SETTING = "costpipe.internal.refused-writes";
  private static final int MAX_REMEMBERED = 10_000;

  private final Map<Write, String> refused = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Write, String> eldest) {
      return size() > MAX_REMEMBERED;
    }
  });

  /** Per topic, the smallest age (ms before now, negative: ahead of now) of a write refused for its timestamp. */
  private final Map<String, Long> refusedAgeInPast = new ConcurrentHashMap<>();
  private final Map<String, Long> refusedLeadInFuture = new ConcurrentHashMap<>();

  /** Remembers a refused write; {@code timestampRefused} when the broker refused it for its timestamp. */
  public void remember(ProducerRecord<byte[], byte[]> record, String reason, boolean timestampRefused, long nowMs) {
    refused.put(Write.of(record), reason);
    if (timestampRefused && record.timestamp() != null) {
      long age = nowMs - record.timestamp();
      if (age > 0) {
        refusedAgeInPast.merge(record.topic(), age, Math::min);
      } else {
        refusedLeadInFuture.merge(record.topic(), -age, Math::min);
      }
    }
  }

  /** Why this write was refused before, or would be by what was learnt, or null. */
  public String refusedBefore(ProducerRecord<byte[], byte[]> record, long nowMs) {
    if (refused.isEmpty()) {
      return null;
    }
    String reason = refused.get(Write.of(record));
    if (reason != null || record.timestamp() == null) {
      return reason;
    }
    long age = nowMs - record.timestamp();
    Long past = refusedAgeInPast.get(record.topic());
    Long future = refusedLeadInFuture.get(record.topic());
    if ((past != null && age >= past) || (future != null && -age >= future)) {
      return "invalid_timestamp";
    }
    return null;
  }

  /** A write's identity: its topic, timestamp and a SHA-256 of its key and value, exact without keeping the bytes. */
  private record Write(String topic, Long timestamp, ByteBuffer digest) {
    static Write of(ProducerRecord<byte[], byte[]> r) {
      MessageDigest sha = sha256();
      update(sha, r.key());
      update(sha, r.value());
      return new Write(r.topic(), r.timestamp(), ByteBuffer.wrap(sha.digest()));
    }

    /** Length-prefixed, so (key, value) pairs that concatenate alike still differ. */
    private static void update(MessageDigest sha, byte[] bytes) {
      int length = bytes == null ? -1 : bytes.length;
      sha.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
      if (bytes != null) {
        sha.update(bytes);
      }
    }

    private static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
    }
  }
}
