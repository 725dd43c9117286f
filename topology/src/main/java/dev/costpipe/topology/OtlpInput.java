package dev.costpipe.topology;

import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.sources.otlp.OtlpEncoding;
import java.util.Locale;
import java.util.Properties;

/**
 * The optional second input: a topic of OpenTelemetry spans as the Collector's Kafka exporter writes them.
 *
 * @param topic null when there is none
 */
public record OtlpInput(String topic, OtlpEncoding encoding) {

  static OtlpInput from(Properties p) {
    String topic = CostpipeSettings.INPUT_OTLP_TOPIC.find(p).map(String::strip).filter(t -> !t.isEmpty())
        .orElse(null);
    String encoding = CostpipeSettings.INPUT_OTLP_ENCODING.read(p).strip().toLowerCase(Locale.ROOT);
    return new OtlpInput(topic, switch (encoding) {
      case "otlp_proto" -> OtlpEncoding.PROTOBUF;
      case "otlp_json" -> OtlpEncoding.JSON;
      default -> throw new IllegalArgumentException(CostpipeSettings.INPUT_OTLP_ENCODING.key()
          + " must be otlp_proto or otlp_json, not " + encoding);
    });
  }

  public boolean enabled() {
    return topic != null;
  }
}
