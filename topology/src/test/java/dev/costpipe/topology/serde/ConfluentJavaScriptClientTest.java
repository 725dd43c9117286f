package dev.costpipe.topology.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.ServerProcesses;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.TopologyFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Interoperability: Confluent's own JavaScript client, {@code @confluentinc/schemaregistry} 1.10.1 from npm
 * (installed into a temp directory), decodes a cost record costpipe wrote in Avro, field for field.
 */
class ConfluentJavaScriptClientTest {
  private static final String PACKAGE = "@confluentinc/schemaregistry@1.10.1";

  @Test
  void confluentsJavaScriptDeserializerReadsACostRecordCostpipeWrote() throws Exception {
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    Properties p = new Properties();
    p.setProperty("costpipe.serde.format", "avro");
    p.setProperty("schema.registry.url", registry.url());
    CostRecord record = CostRecordJson.read("{\"request_id\":\"js-1\",\"timestamp\":\"2026-11-20T09:15:02Z\","
        + "\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"model_key\":\"openai/gpt-4o-mini\",\"user_id\":\"alice\","
        + "\"session_id\":null,\"session_name\":null,\"session_path\":null,\"properties\":{\"Environment\":\"production\"},"
        + "\"status\":200,\"streamed\":true,\"cache_hit\":false,\"usage\":{\"input_tokens\":1200,\"output_tokens\":40,"
        + "\"cache_read_tokens\":1024,\"cache_write_tokens\":0,\"cache_write_1h_tokens\":0,\"reasoning_tokens\":0,"
        + "\"audio_input_tokens\":0,\"audio_output_tokens\":0,\"web_search_calls\":0,\"images\":0},"
        + "\"usage_source\":\"provider\",\"pricing_status\":\"priced\",\"cost_nano_usd\":127200,\"cost_usd\":\"0.000127200\","
        + "\"cost_breakdown\":{\"input\":26400,\"cache_read\":76800,\"output\":24000},\"cache_savings_nano_usd\":76800,"
        + "\"errors\":[\"estimated: none\"]}");
    String topic = "js.costs";
    byte[] value = TopologyConfig.from(p).outputFormat().costRecords().serializer().serialize(topic, record);

    Path dir = Files.createTempDirectory("costpipe-confluent-js-");
    try {
      run(dir, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", PACKAGE), "npm install " + PACKAGE);
      try (InputStream script = getClass().getResourceAsStream("/confluent-js/decode.js")) {
        Files.write(dir.resolve("decode.js"), script.readAllBytes());
      }
      Files.write(dir.resolve("value.bin"), value);
      JsonNode decoded = TopologyFixture.read(run(dir, List.of("node", "decode.js", registry.url(), topic, "value.bin"),
          "node decode.js"));

      JsonNode expected = TopologyFixture.read(CostRecordJson.write(record));
      assertThat(decoded.path("request_id").asText()).isEqualTo("js-1");
      assertThat(decoded.path("cost_nano_usd").asLong()).isEqualTo(127_200L);
      assertThat(decoded.path("cost_usd").asText()).isEqualTo("0.000127200");
      assertThat(decoded.path("session_id").isNull()).isTrue();
      assertThat(decoded.path("properties")).isEqualTo(expected.path("properties"));
      assertThat(decoded.path("cost_breakdown")).isEqualTo(expected.path("cost_breakdown"));
      assertThat(decoded.path("errors")).isEqualTo(expected.path("errors"));
      // every field, value for value (the JavaScript reader has the same field names)
      expected.fields().forEachRemaining(f -> assertThat(decoded.get(f.getKey())).as(f.getKey()).isEqualTo(f.getValue()));
    } finally {
      ServerProcesses.deleteRecursively(dir);
    }
  }

  /** Runs a command in {@code dir}; its standard output, or a failure naming the command with its output. */
  private static String run(Path dir, List<String> command, String what) throws IOException, InterruptedException {
    Path err = dir.resolve("stderr.txt");
    Process process;
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException(command.get(0) + " is needed for this test (node 20 and npm): " + e.getMessage(), e);
    }
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(what + " failed (exit " + (process.isAlive() ? "timeout" : process.exitValue())
          + "):\n" + new String(out, StandardCharsets.UTF_8) + "\n" + Files.readString(err));
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
