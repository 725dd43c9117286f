package dev.costpipe.contracts.avro.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.schemas.avro.CostRecord;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {
  private final SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();

  @Test
  void registersLooksUpAndFetchesById() {
    SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs()));
    Schema schema = CostRecord.getClassSchema();

    int id = client.register("client-test-value", schema);

    assertThat(client.register("client-test-value", schema)).as("registering again").isEqualTo(id);
    SchemaRegistryClient fresh = new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs()));
    assertThat(fresh.lookup("client-test-value", schema)).isEqualTo(id);
    assertThat(fresh.byId(id)).isEqualTo(schema);
    // the same id under another subject: ids name contents, as in Confluent
    assertThat(fresh.register("client-test-other-value", schema)).isEqualTo(id);
  }

  @Test
  void answersFromItsCacheOnceAsked() {
    SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs()));
    Schema schema = CostRecord.getClassSchema();
    int id = client.register("client-cache-value", schema);

    // byId after register: the registered instance itself, not a schema parsed from a new answer
    assertThat(client.byId(id)).isSameAs(schema);
    SchemaRegistryClient fresh = new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs()));
    assertThat(fresh.byId(id)).isSameAs(fresh.byId(id));
  }

  @Test
  void saysWhenASchemaIsNotRegistered() {
    Schema never = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"Never\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs())).register("client-missing-value", CostRecord.getClassSchema());

    assertThatThrownBy(() -> new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs())).lookup("client-missing-value", never))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("look up the schema Never under subject 'client-missing-value'")
        .hasMessageContaining("not found")
        .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(404));
    assertThatThrownBy(() -> new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs())).byId(987654))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("fetch the schema with id 987654");
  }

  @Test
  void saysWhenTheRegistryIsUnreachableWithoutPrintingCredentials() {
    SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.from(Map.of(
        SchemaRegistrySettings.URL, "http://127.0.0.1:9", SchemaRegistrySettings.BASIC_AUTH_USER_INFO, "u:s3cret")));

    assertThatThrownBy(() -> client.byId(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("unreachable")
        .hasMessageNotContaining("s3cret");
    assertThat(client.settings().toString()).doesNotContain("s3cret");
  }

  @Test
  void requiresAUrl() {
    assertThatThrownBy(() -> SchemaRegistrySettings.from(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema.registry.url is required");
  }
}
