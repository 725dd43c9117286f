package dev.costpipe.contracts.avro.serde;

import static dev.costpipe.testsupport.registry.ConfluentLikeFailingDeserializer.rest;
import static dev.costpipe.testsupport.registry.ConfluentLikeFailingDeserializer.timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.costpipe.contracts.avro.registry.RegistryOutage;
import dev.costpipe.contracts.avro.registry.SchemaRegistryUnavailableException;
import dev.costpipe.testsupport.registry.ConfluentLikeFailingDeserializer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Readers are told "registry unavailable, read again", never "bad record"; the serializer waits the outage out. */
class RegistryOutageSerdeTest {
  private static final byte[] AVRO_VALUE = {0, 0, 0, 0, 3, 2, 'x'};

  @AfterEach
  void reset() {
    ConfluentLikeFailingDeserializer.reset();
  }

  private static JsonOrAvroValues confluentLikeValues() {
    return new JsonOrAvroValues(Map.of(JsonOrAvroValues.VALUE_DESERIALIZER,
        ConfluentLikeFailingDeserializer.class.getName(), ConfluentLikeFailingDeserializer.DELEGATE,
        StringDeserializer.class.getName()));
  }

  @Test
  void aConfluentDeserializerFailingOnItsRegistryMeansReadAgainLater() {
    JsonOrAvroValues values = confluentLikeValues();
    for (Exception cause : List.of(rest(500, 50001), rest(401, 401), rest(429, 429), timeout())) {
      ConfluentLikeFailingDeserializer.failNext(cause);
      assertThatThrownBy(() -> values.json("llm.costs", AVRO_VALUE)).as(cause.toString())
          .isInstanceOf(SchemaRegistryUnavailableException.class);
    }
  }

  @Test
  void anUnknownSchemaIdIsABadRecord() {
    ConfluentLikeFailingDeserializer.failNext(rest(404, 40403));
    assertThatThrownBy(() -> confluentLikeValues().json("llm.costs", AVRO_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSerializerWaitsOutAnOutageAndSaysSoMeanwhile() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Boolean> outageSeen = new CopyOnWriteArrayList<>();
    HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    registry.createContext("/", e -> {
      outageSeen.add(RegistryOutage.since().isPresent());
      int n = calls.incrementAndGet();
      int status = n == 1 ? 503 : n == 2 ? 429 : 200;
      byte[] body = (status == 200 ? "{\"id\":7}" : "{\"error_code\":" + status + ",\"message\":\"busy\"}")
          .getBytes(StandardCharsets.UTF_8);
      e.sendResponseHeaders(status, body.length);
      try (OutputStream out = e.getResponseBody()) {
        out.write(body);
      }
    });
    registry.start();
    try {
      AvroSerializer serializer = new AvroSerializer();
      serializer.configure(Map.of("schema.registry.url",
          "http://127.0.0.1:" + registry.getAddress().getPort()), false);
      GenericData.Record record = new GenericData.Record(new Schema.Parser().parse(
          "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}"));
      record.put("a", "x");
      byte[] bytes = serializer.serialize("t", record);
      assertThat(WireFormat.schemaId(bytes)).isEqualTo(7);
      assertThat(calls.get()).isEqualTo(3);
      assertThat(outageSeen).containsExactly(false, true, true);
      assertThat(RegistryOutage.since()).isEmpty();
    } finally {
      registry.stop(0);
    }
  }
}
