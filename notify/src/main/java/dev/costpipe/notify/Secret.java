package dev.costpipe.notify;

import java.nio.charset.StandardCharsets;

/**
 * A secret read from an environment variable or a file (never from the config file itself). Its
 * {@link #toString()} is a mask, so it cannot leak through a log line or a config print; only
 * {@link #reveal()} / {@link #bytes()} give the value, to the code that needs it.
 */
public final class Secret {
  private final String value;
  private final String source;

  Secret(String value, String source) {
    this.value = value;
    this.source = source;
  }

  /** The secret's value. Never log it. */
  public String reveal() {
    return value;
  }

  /** The secret as UTF-8 bytes (e.g. an HMAC key). */
  public byte[] bytes() {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** Where it came from, e.g. {@code env:COSTPIPE_HOOK_SECRET} or {@code file:/run/secrets/hook}: safe to print. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "****(" + source + ")";
  }
}
