package dev.costpipe.testsupport.registry;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A value deserializer that fails the way Confluent's {@code KafkaAvroDeserializer} does when its registry
 * fails — {@code SerializationException("Error retrieving Avro schema for id N", cause)} with a
 * {@link RestClientException} (the registry's status) or an {@link IOException} (a timeout) as cause — as many
 * times as {@link #failNext} says, and otherwise hands the value to the deserializer class named by
 * {@value #DELEGATE}. Made by class name (as Kafka makes deserializers), so the failures are scripted globally;
 * {@link #reset} between tests.
 */
public final class ConfluentLikeFailingDeserializer implements Deserializer<Object> {
  public static final String DELEGATE = "failing.delegate.deserializer";
  private static final Queue<Exception> FAILURES = new ConcurrentLinkedQueue<>();

  private Deserializer<?> delegate;

  /** The next calls fail with these causes, one each, in order. */
  public static void failNext(Exception... causes) {
    FAILURES.addAll(java.util.List.of(causes));
  }

  /** Scripted failures not used yet. */
  public static int pendingFailures() {
    return FAILURES.size();
  }

  public static void reset() {
    FAILURES.clear();
  }

  /** The registry answered with {@code status} (e.g. 500 / 50001, 401 / 401, 429 / 429, 404 / 40403). */
  public static Exception rest(int status, int errorCode) {
    return new RestClientException("registry answered " + status, status, errorCode);
  }

  /** The registry did not answer in time. */
  public static Exception timeout() {
    return new SocketTimeoutException("Read timed out");
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Object name = configs.get(DELEGATE);
    if (name == null) {
      throw new IllegalArgumentException(DELEGATE + " is not set");
    }
    try {
      delegate = Utils.newInstance(name.toString(), Deserializer.class);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(DELEGATE + ": " + e, e);
    }
    delegate.configure(configs, isKey);
  }

  @Override
  public Object deserialize(String topic, byte[] data) {
    Exception cause = FAILURES.poll();
    if (cause != null) {
      throw new SerializationException("Error retrieving Avro schema for id " + ByteBuffer.wrap(data, 1, 4).getInt(),
          cause);
    }
    return delegate.deserialize(topic, data);
  }

  @Override
  public void close() {
    if (delegate != null) {
      delegate.close();
    }
  }
}
