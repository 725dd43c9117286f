package dev.costpipe.http;

import java.util.Map;

/**
 * One line of the tokens file: the token, then optionally {@code name=value} pairs, separated by whitespace, that
 * the ingest endpoints add as properties to every event sent with it (e.g. {@code tenant=acme}). Bearer tokens
 * hold no whitespace (RFC 6750's token68), so the first word is always the whole token.
 */
public record BearerToken(String token, Map<String, String> properties) {
  public BearerToken {
    properties = Map.copyOf(properties);
  }

  /** Parses one non-blank, non-comment line; a pair without {@code =} is an error naming its position only. */
  static BearerToken parse(String line, int lineNumber) {
    String[] words = line.strip().split("\\s+");
    Map<String, String> props = new java.util.LinkedHashMap<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("line " + lineNumber + " of the tokens file: word " + (i + 1)
            + " is no name=value property");
      }
      props.put(words[i].substring(0, eq), words[i].substring(eq + 1));
    }
    return new BearerToken(words[0], props);
  }

  @Override
  public String toString() {
    return "BearerToken[***, " + properties + "]"; // never the token itself
  }
}
