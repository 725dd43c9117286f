package dev.costpipe.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How generic webhook requests are signed, and how a receiver checks them.
 *
 * <p>Each request is {@code POST <url>} with {@code Content-Type: application/json} and the body = the alert
 * event exactly as read from {@code llm.cost-alerts} (UTF-8 JSON, byte for byte), plus these headers:
 * <ul>
 *   <li>{@code X-Costpipe-Timestamp: <t>}: Unix time of the attempt in whole seconds, decimal ASCII
 *       (e.g. {@code 1780300800}); every retry has a fresh timestamp and signature.</li>
 *   <li>{@code X-Costpipe-Signature: sha256=<hex>}: {@code <hex>} = lowercase hex of
 *       {@code HMAC-SHA256(key = the secret's UTF-8 bytes, message = ASCII(<t>) || "." || body bytes)}, i.e.
 *       the timestamp header's value, one full stop (0x2E), then the exact body bytes as received, no
 *       re-encoding or re-serialising of the JSON.</li>
 *   <li>{@code X-Costpipe-Delivery-Id}: {@link DeliveryKey#id()}, lowercase hex SHA-256 of the delivery's key
 *       (the JSON array {@code [rule_id, window_start, level_pct, channel]}, then {@code per_value} for a rule
 *       with {@code per}), the same for every retry and
 *       restart: a receiver drops repeats of it.</li>
 * </ul>
 * A receiver recomputes the HMAC over the raw body it received, compares it with a constant-time comparison
 * and refuses timestamps too far from its clock (replays): {@link #verify} does exactly that. Any 2xx answer
 * counts as delivered; 408, 429 and 5xx are retried; other statuses are reported at once.
 */
public final class WebhookSignature {
  public static final String SIGNATURE_HEADER = "X-Costpipe-Signature";
  public static final String TIMESTAMP_HEADER = "X-Costpipe-Timestamp";
  public static final String DELIVERY_ID_HEADER = "X-Costpipe-Delivery-Id";
  private static final String ALGORITHM = "HmacSHA256";

  private WebhookSignature() {}

  /** {@code sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>}. */
  public static String sign(byte[] secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
      mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      mac.update(body);
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available: " + e, e);
    }
  }

  /**
   * A receiver's check: the signature header matches (constant-time) and the timestamp is within
   * {@code tolerance} of {@code now}.
   */
  public static boolean verify(byte[] secret, String timestampHeader, byte[] body, String signatureHeader,
      Duration tolerance, Instant now) {
    if (timestampHeader == null || signatureHeader == null || !timestampHeader.matches("\\d{1,12}")) {
      return false;
    }
    long t = Long.parseLong(timestampHeader);
    if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
      return false;
    }
    byte[] expected = sign(secret, timestampHeader, body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signatureHeader.trim().getBytes(StandardCharsets.US_ASCII));
  }
}
