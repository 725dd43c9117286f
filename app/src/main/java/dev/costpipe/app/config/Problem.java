package dev.costpipe.app.config;

/** Something {@code config check} reports: an error makes the configuration invalid, a warning does not. */
public record Problem(boolean error, String message) {
  static Problem error(String message) {
    return new Problem(true, message);
  }

  static Problem warning(String message) {
    return new Problem(false, message);
  }

  @Override
  public String toString() {
    return (error ? "error: " : "warning: ") + message;
  }
}
