package dev.costpipe.contracts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Which settings hold secrets, for every component that prints its settings (config check, the sink's
 * and the notifier's text forms): their values are never printed nor logged, only {@value #MASK}. Credentials in
 * a URL ({@code http://user:pass@host}) are masked in every value shown ({@link #shown}); a URL printed on its
 * own goes through {@link #maskUrl}.
 */
public final class SecretKeys {
  public static final String MASK = "****";
  // sasl.jaas.config, ssl.key.password, ssl.keystore.key (a PEM private key), basic.auth.user.info, *.token…
  private static final Pattern SECRET = Pattern.compile(
      "(?i).*(password|secret|jaas|token|credential|basic\\.auth\\.user\\.info|keystore\\.key|private\\.key"
          + "|api\\.key).*");

  private static final Pattern REFERENCE = Pattern.compile("(?i).*([-_]file|_env)");
  /** The user info of a URL anywhere in a text: {@code scheme://user:pass@}. */
  private static final Pattern URL_USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#@\\s]+@");

  private SecretKeys() {}

  /** A secret's key; not a key naming where a secret is ({@code password-file}, {@code secret_env}). */
  public static boolean isSecret(String key) {
    return SECRET.matcher(key).matches() && !REFERENCE.matcher(key).matches();
  }

  /** The value as it may be shown: masked for a secret key, else with the credentials of any URL in it masked. */
  public static String shown(String key, String value) {
    if (value == null) {
      return null;
    }
    return isSecret(key) ? MASK : withoutUrlCredentials(value);
  }

  /** {@code text} with the user info of every URL in it ({@code http://user:pass@host}) replaced by the mask. */
  public static String withoutUrlCredentials(String text) {
    return text == null ? null : URL_USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
  }

  /**
   * A URL as it may be printed: {@code scheme://host[:port]} and {@code /…} when it has a path or query (paths
   * and queries of webhook URLs are tokens), the user info masked; {@value #MASK} when it is not a URL.
   */
  public static String maskUrl(String url) {
    try {
      URI u = new URI(url);
      if (u.getHost() == null) {
        return MASK;
      }
      boolean more = (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
          || u.getRawQuery() != null;
      return u.getScheme() + "://" + (u.getRawUserInfo() != null ? MASK + "@" : "") + u.getHost()
          + (u.getPort() >= 0 ? ":" + u.getPort() : "") + (more ? "/…" : "");
    } catch (URISyntaxException | NullPointerException e) {
      return MASK;
    }
  }
}
