package dev.costpipe.http;

import dev.costpipe.contracts.settings.CostpipeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of every HTTP endpoint costpipe serves ({@code costpipe.http.*}): the address to listen on
 * (default 127.0.0.1; the Kubernetes manifests set 0.0.0.0) and, optionally, a file of bearer tokens.
 *
 * @param tokensFile null: no token required
 */
public record HttpSettings(String bindAddress, Path tokensFile) {
  public static final HttpSettings DEFAULT = new HttpSettings(CostpipeSettings.HTTP_BIND_ADDRESS.defaultValue(), null);

  public HttpSettings {
    if (bindAddress == null || bindAddress.isBlank()) {
      bindAddress = CostpipeSettings.HTTP_BIND_ADDRESS.defaultValue();
    }
    bindAddress = bindAddress.strip();
  }

  /** The tokens of the file: one per line, blank lines and {@code #} comments skipped; empty without a file. */
  public List<String> tokens() {
    return bearerTokens().stream().map(BearerToken::token).toList();
  }

  /** The tokens with the properties each adds to ingested events ({@link BearerToken}). */
  public List<BearerToken> bearerTokens() {
    if (tokensFile == null) {
      return List.of();
    }
    try {
      List<String> lines = Files.readAllLines(tokensFile, StandardCharsets.UTF_8);
      List<BearerToken> tokens = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i).strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          tokens.add(BearerToken.parse(l, i + 1));
        }
      }
      if (tokens.isEmpty()) {
        throw new IllegalArgumentException(CostpipeSettings.HTTP_TOKENS_FILE.key() + " " + tokensFile
            + " holds no token");
      }
      return tokens;
    } catch (IOException e) {
      // names the file, never its content
      throw new UncheckedIOException("cannot read " + CostpipeSettings.HTTP_TOKENS_FILE.key() + " " + tokensFile + ": "
          + e.getMessage(), e);
    }
  }
}
