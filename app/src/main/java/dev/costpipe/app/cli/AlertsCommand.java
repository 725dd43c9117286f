package dev.costpipe.app.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.app.TopicProvisioner;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code costpipe alerts put|delete|list}: manages the rules on the alert-rules topic. */
@Command(name = "alerts", mixinStandardHelpOptions = true, description = "Manage budget alert rules.",
    subcommands = {AlertsCommand.Put.class, AlertsCommand.Delete.class, AlertsCommand.ListRules.class})
public final class AlertsCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  @Command(name = "put", mixinStandardHelpOptions = true, description = "Add or replace a rule (JSON or YAML file).")
  static final class Put implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "FILE", description = "The rule, as JSON or YAML.")
    Path file;

    @Override
    public Integer call() throws Exception {
      JsonNode json;
      AlertRule rule;
      Properties settings;
      try {
        settings = kafka.load();
        InputFiles.readable(file, "rule file");
        json = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .readTree(file.toFile());
        rule = AlertRule.fromTree(json);
      } catch (IllegalArgumentException | java.io.IOException e) {
        System.err.println("costpipe alerts put: " + e.getMessage());
        return 2;
      }
      send(settings, rule.id(), Json.MAPPER.writeValueAsString(rule.json()));
      System.err.println("costpipe alerts put: rule " + rule.id() + " written");
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a rule by id.")
  static final class Delete implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
      send(kafka.load(), id, null);
      System.err.println("costpipe alerts delete: rule " + id + " deleted");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the rules in force, one JSON per line.")
  static final class ListRules implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Properties p = kafka.load();
      Map<String, String> rules = new TreeMap<>(CompactedTopic.latest(p, TopologyConfig.from(p).alertRulesTopic()));
      rules.values().forEach(System.out::println);
      return 0;
    }
  }

  static void send(Properties settings, String key, String value) throws Exception {
    TopologyConfig config = TopologyConfig.from(settings);
    try (Admin admin = Admin.create(settings)) {
      TopicProvisioner.createMissing(admin, config, settings);
    }
    Properties p = new Properties();
    p.putAll(settings);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(config.alertRulesTopic(), key, value)).get();
    }
  }
}
