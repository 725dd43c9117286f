package dev.costpipe.contracts;

import java.util.regex.Pattern;

/**
 * Which settings hold secrets, for every component that prints its settings (config check, the sink's
 * and the notifier's text forms): their values are never printed nor logged, only {@value #MASK}.
 */
public final class SecretKeys {
  public static final String MASK = "****";
  // sasl.jaas.config, ssl.key.password, ssl.keystore.key (a PEM private key), basic.auth.user.info, *.token…
  private static final Pattern SECRET = Pattern.compile(
      "(?i).*(password|secret|jaas|token|credential|basic\\.auth\\.user\\.info|keystore\\.key|private\\.key"
          + "|api\\.key).*");

  private static final Pattern REFERENCE = Pattern.compile("(?i).*([-_]file|_env)");

  private SecretKeys() {}

  /** A secret's key; not a key naming where a secret is ({@code password-file}, {@code secret_env}). */
  public static boolean isSecret(String key) {
    return SECRET.matcher(key).matches() && !REFERENCE.matcher(key).matches();
  }

  /** The value as it may be shown: masked for a secret key. */
  public static String shown(String key, String value) {
    return value != null && isSecret(key) ? MASK : value;
  }
}
