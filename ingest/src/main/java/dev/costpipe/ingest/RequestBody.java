package dev.costpipe.ingest;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body, gunzipping it when {@code Content-Encoding: gzip}, and stops at the size limit, which
 * applies after decompression (as OTLP/HTTP says), so a small gzip bomb is refused after inflating at most the
 * limit. The rest of a refused body is read and dropped (up to {@value #DISCARD_LIMIT} bytes, past which the
 * connection is cut) so that the sender receives the 413 instead of a reset connection.
 */
final class RequestBody {
  /** The body exceeds the limit (413). */
  static final class TooLarge extends Exception {
    TooLarge(String message) {
      super(message);
    }
  }

  /** The body cannot be read as sent: an unknown encoding (415) or broken gzip (400). */
  static final class Unreadable extends Exception {
    final int status;

    Unreadable(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** Up to this much of a refused body is read and dropped, so the sender is still there to read its 413. */
  private static final long DISCARD_LIMIT = 64L * 1024 * 1024;

  private RequestBody() {}

  private static void discardRest(InputStream raw) throws IOException {
    long skipped = 0;
    byte[] buffer = new byte[64 * 1024];
    int n;
    while (skipped < DISCARD_LIMIT && (n = raw.read(buffer)) > 0) {
      skipped += n;
    }
  }

  static byte[] read(HttpExchange e, int maxBytes) throws IOException, TooLarge, Unreadable {
    String encoding = e.getRequestHeaders().getFirst("Content-Encoding");
    boolean gzip = false;
    if (encoding != null && !encoding.isBlank()) {
      String enc = encoding.strip().toLowerCase(Locale.ROOT);
      if (enc.equals("gzip") || enc.equals("x-gzip")) {
        gzip = true;
      } else if (!enc.equals("identity")) {
        throw new Unreadable(415, "Content-Encoding " + encoding + " is not supported (gzip or none)");
      }
    }
    try (InputStream raw = e.getRequestBody(); InputStream in = gzip ? new GZIPInputStream(raw, 8192) : raw) {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        discardRest(raw);
        throw new TooLarge("the body exceeds the limit of " + maxBytes + " bytes" + (gzip ? " once decompressed" : ""));
      }
      return body;
    } catch (ZipException | java.io.EOFException ex) {
      throw new Unreadable(400, "the body is not valid gzip: " + ex.getMessage());
    }
  }
}
