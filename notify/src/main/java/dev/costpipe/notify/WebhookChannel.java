package dev.costpipe.notify;

import dev.costpipe.contracts.SecretKeys;
import dev.costpipe.notify.NotifierConfig.WebhookConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** Generic webhook: the alert event, byte for byte, signed as {@link WebhookSignature} documents. */
public final class WebhookChannel implements Channel {
  private final WebhookConfig config;
  private final LongSupplier epochSeconds;

  public WebhookChannel(WebhookConfig config) {
    this(config, () -> System.currentTimeMillis() / 1000);
  }

  WebhookChannel(WebhookConfig config, LongSupplier epochSeconds) {
    this.config = config;
    this.epochSeconds = epochSeconds;
  }

  @Override
  public WebhookConfig config() {
    return config;
  }

  @Override
  public String target() {
    return SecretKeys.maskUrl(config.url().toString());
  }

  @Override
  public void send(AlertEvent alert, DeliveryKey key) throws DeliveryException, InterruptedException {
    byte[] body = alert.raw();
    String timestamp = Long.toString(epochSeconds.getAsLong());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(WebhookSignature.TIMESTAMP_HEADER, timestamp);
    headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(config.secret().bytes(), timestamp, body));
    headers.put(WebhookSignature.DELIVERY_ID_HEADER, key.id());
    HttpPost.post(config.url(), target(), body, headers, config.timeout());
  }
}
