package dev.costpipe.contracts.avro.registry;

import static dev.costpipe.testsupport.registry.ConfluentLikeFailingDeserializer.rest;
import static dev.costpipe.testsupport.registry.ConfluentLikeFailingDeserializer.timeout;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import org.apache.avro.AvroTypeException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** What counts as a registry outage (wait and retry) and what as a bad record (dead-letter). */
class RegistryFailuresTest {
  /** As Confluent's deserializer wraps what its registry client threw. */
  private static SerializationException confluent(Exception cause) {
    return new SerializationException("Error retrieving Avro schema for id 3", cause);
  }

  @Test
  void confluentDeserializerFailuresAboutTheRegistryAreTransient() {
    assertThat(RegistryFailures.isTransient(confluent(rest(500, 50001)))).as("5xx").isTrue();
    assertThat(RegistryFailures.isTransient(confluent(rest(503, 50003)))).as("503").isTrue();
    assertThat(RegistryFailures.isTransient(confluent(rest(401, 401)))).as("401").isTrue();
    assertThat(RegistryFailures.isTransient(confluent(rest(403, 403)))).as("403").isTrue();
    assertThat(RegistryFailures.isTransient(confluent(rest(429, 429)))).as("429").isTrue();
    assertThat(RegistryFailures.isTransient(confluent(timeout()))).as("socket timeout").isTrue();
    assertThat(RegistryFailures.isTransient(confluent(new ConnectException("Connection refused")))).isTrue();
  }

  @Test
  void failuresAboutTheRecordAreNot() {
    assertThat(RegistryFailures.isTransient(confluent(rest(404, 40403)))).as("unknown schema id").isFalse();
    assertThat(RegistryFailures.isTransient(confluent(rest(422, 42201)))).isFalse();
    assertThat(RegistryFailures.isTransient(new SerializationException("Error deserializing Avro message",
        new EOFException()))).as("truncated value").isFalse();
    assertThat(RegistryFailures.isTransient(new SerializationException("bad", new AvroTypeException("x")))).isFalse();
    assertThat(RegistryFailures.isTransient(new IllegalStateException("no cause"))).isFalse();
  }

  @Test
  void costpipesOwnClientErrorsAreClassifiedByTheSameRules() {
    assertThat(RegistryFailures.isTransient(new SerializationException("x",
        new SchemaRegistryException("unreachable", 0, 0, new HttpTimeoutException("timed out"))))).isTrue();
    assertThat(RegistryFailures.isTransient(new SchemaRegistryException("rate", 429, 0, null))).isTrue();
    assertThat(RegistryFailures.isTransient(new SchemaRegistryException("auth", 401, 40101, null))).isTrue();
    assertThat(RegistryFailures.isTransient(new SchemaRegistryException("not found", 404, 40403, null))).isFalse();
    assertThat(RegistryFailures.isTransient(new SchemaRegistryException("incompatible", 409, 409, null))).isFalse();
  }
}
