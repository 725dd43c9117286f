package dev.costpipe.app.config;

import dev.costpipe.topology.TopologyConfig;
import java.net.URI;
import java.util.Arrays;

/** How a {@code costpipe.*} value is read; {@link #check} says what is wrong with one, or null. */
public enum SettingType {
  STRING,
  INT,
  /** -1 (off), 0 (any free port) or 1..65535. */
  PORT,
  BOOLEAN,
  /** As {@link TopologyConfig#parse}: {@code PT10M}, {@code P1D}, {@code 10m}, {@code 1h}. */
  DURATION,
  DURATION_LIST,
  HTTP_URL,
  FILE;

  public String check(String value) {
    String v = value.strip();
    try {
      switch (this) {
        case INT -> Integer.parseInt(v);
        case PORT -> {
          int p = Integer.parseInt(v);
          if (p < -1 || p > 65535) {
            return "must be -1 (off), 0 (any free port) or 1..65535, got " + v;
          }
        }
        case BOOLEAN -> {
          if (!v.equals("true") && !v.equals("false")) {
            return "must be true or false, got '" + v + "'";
          }
        }
        case DURATION -> TopologyConfig.parse(v);
        case DURATION_LIST -> Arrays.stream(v.split(",")).map(String::trim).forEach(TopologyConfig::parse);
        case HTTP_URL -> {
          URI u = new URI(v);
          if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
            return "must be an http(s) URL with a host, got '" + v + "'";
          }
        }
        case STRING, FILE -> {
          if (v.isEmpty()) {
            return "must not be empty";
          }
        }
        default -> throw new AssertionError(this);
      }
      return null;
    } catch (NumberFormatException e) {
      return "must be an integer, got '" + v + "'";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    } catch (java.net.URISyntaxException e) {
      return "not a URL: " + e.getReason();
    }
  }
}
