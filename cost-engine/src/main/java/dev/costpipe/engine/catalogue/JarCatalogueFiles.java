package dev.costpipe.engine.catalogue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.costpipe.engine.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build step (Maven's process-classes phase): rewrites the curated, block-YAML catalogue files among the
 * built classes in the compact form, the same tree written as JSON (which is YAML too). The jar's
 * built-in catalogue then loads without the YAML parser, which took about half of the catalogue's load
 * time at start for a tenth of its bytes. The sources keep their YAML and comments; a file already
 * compact (the generated ones) is left as it is.
 */
public final class JarCatalogueFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private JarCatalogueFiles() {}

  /** {@code args[0]}: the directory of catalogue files to compact in place. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        String text = Files.readString(p, StandardCharsets.UTF_8);
        if (!CatalogueLoader.isCompact(text.getBytes(StandardCharsets.UTF_8))) {
          Files.writeString(p, compact(p.getFileName().toString(), text), StandardCharsets.UTF_8);
        }
      }
    }
  }

  /** The compact form of a block-YAML catalogue file: the same tree, one model per line. */
  static String compact(String name, String yaml) throws IOException {
    ObjectNode root = (ObjectNode) YAML.readTree(yaml);
    JsonNode models = root.remove("models");
    String header = Json.MAPPER.writeValueAsString(root);
    StringBuilder out = new StringBuilder("# Compacted at build time from cost-engine/src/main/resources/catalogue/")
        .append(name).append(" (the same entries; its comments say where the prices come from)\n")
        .append(header, 0, header.length() - 1).append(",\n\"models\": [\n");
    for (int i = 0; i < models.size(); i++) {
      out.append(Json.MAPPER.writeValueAsString(models.get(i))).append(i + 1 < models.size() ? ",\n" : "\n");
    }
    return out.append("]}\n").toString();
  }
}
