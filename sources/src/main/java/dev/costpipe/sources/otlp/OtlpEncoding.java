package dev.costpipe.sources.otlp;

import java.util.Locale;
import java.util.Optional;

/** The two OTLP encodings: binary protobuf and OTLP/JSON (the Collector's Kafka exporter: otlp_proto, otlp_json). */
public enum OtlpEncoding {
  PROTOBUF,
  JSON;

  /** The encoding a {@code Content-Type} names (parameters such as {@code charset} ignored); empty for others. */
  public static Optional<OtlpEncoding> ofContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return switch (media) {
      case "application/x-protobuf", "application/protobuf" -> Optional.of(PROTOBUF);
      case "application/json" -> Optional.of(JSON);
      default -> Optional.empty();
    };
  }
}
