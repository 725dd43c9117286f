package dev.costpipe.topology.it;

import dev.costpipe.topology.Events;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Events that are certainly bad, of every kind the parse step must refuse (not JSON, not UTF-8, binary
 * text, deep nesting of arrays and objects, wrong types, missing or unknown fields, negative, fractional
 * and absurd token counts, 10 MB bodies that are not JSON, an event over the 16 MiB limit; keys like
 * SQL), and good requests with hostile content.
 */
public final class HostileEvents {
  private static final int TEN_MB = 10 * 1024 * 1024;

  private HostileEvents() {}

  public static List<Map.Entry<String, byte[]>> of(int n, long seed) {
    Random r = new Random(seed);
    List<Map.Entry<String, byte[]>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = "hostile-" + seed + "-" + i;
      String usage = "{\"request_id\":\"" + id + "\",\"event_type\":\"response\",\"provider\":\"openai\","
          + "\"request_body\":{\"model\":\"gpt-4o\"},\"response_body\":{\"usage\":{\"prompt_tokens\":%s,\"completion_tokens\":1}}}";
      byte[] value = switch (r.nextInt(15)) {
        case 0 -> utf8("{\"request_id\":\"" + id + "\",\"event_type\":");
        case 1 -> utf8("\u00ff\u00fe binary \u00ff");
        case 2 -> utf8("[".repeat(5000) + "]".repeat(5000));
        case 3 -> utf8("{\"request_id\":" + i + ",\"event_type\":\"response\"}");
        case 4 -> utf8("{\"event_type\":\"response\",\"response_body\":{}}");
        case 5 -> utf8("{\"request_id\":\"" + id + "\",\"event_type\":\"delete from request_costs\"}");
        case 6 -> utf8(usage.formatted("-5"));
        case 7 -> utf8(usage.formatted("1.5"));
        case 8 -> utf8(usage.formatted("99999999999999999999"));
        case 9 -> utf8(usage.formatted("\"ten\""));
        case 10 -> utf8("{\"request_id\":\"" + id + "\",\"event_type\":\"chunk\",\"seq\":-1,\"chunk\":{}}");
        case 11 -> notUtf8(id);
        case 12 -> utf8("{\"request_id\":\"" + id + "\",\"event_type\":\"response\",\"request_body\":"
            + "{\"a\":".repeat(3000) + "1" + "}".repeat(3001) + "}");
        case 13 -> utf8(usage.formatted("1e999999999"));
        default -> utf8("{\"request_id\":\"" + id + "\",\"event_type\":\"response\",\"headers\":{\"Helicone-User-Id\":{\"x\":1}}}");
      };
      out.add(Map.entry(r.nextBoolean() ? id : "x' OR 1=1 --", value));
    }
    return out;
  }

  /** A response whose body is 10 MB of text that is not JSON: refused as invalid_body, dead-lettered truncated. */
  public static byte[] tenMegabyteBody(String id) {
    return utf8("{\"request_id\":\"" + id + "\",\"event_type\":\"response\",\"provider\":\"openai\",\"response_body\":\""
        + "x".repeat(TEN_MB) + "\"}");
  }

  /** 17 MiB: over the 16 MiB limit, refused unread. */
  public static byte[] overTheLimit(String id) {
    return utf8("{\"request_id\":\"" + id + "\",\"event_type\":\"request\",\"request_body\":{\"model\":\"gpt-4o\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(17 << 20) + "\"}]}}");
  }

  /**
   * Good requests with hostile content, added to the traffic with what they must cost: SQL and quotes in
   * user, session and property values and names, unknown providers, and two requests whose request
   * body is 10 MB (held in the merge store until their response arrives).
   */
  public static void addGoodOnes(MixedTraffic traffic, int n, long seed) {
    Random r = new Random(seed);
    String[] nasty = {"x' OR 1=1 --", "'); DROP TABLE request_costs; --", "\\'\"`;\n\t\u0001end",
        "\u00e9\u4e2d\ud83d\ude00", "' UNION SELECT name FROM system.tables --"};
    for (int i = 0; i < n; i++) {
      String id = "nasty-" + seed + "-" + i;
      // within the mixed traffic's minutes: a later time would close its hourly windows (grace is 10 min)
      String at = Instant.parse("2026-06-01T10:00:00Z").plusSeconds(i % 300).toString();
      String value = nasty[r.nextInt(nasty.length)];
      Map<String, String> headers = Map.of("Helicone-User-Id", value, "Helicone-Session-Id", value,
          "Helicone-Session-Name", value, "Helicone-Property-" + nasty[r.nextInt(nasty.length)], value);
      String event = Events.openAi(id, at, "gpt-4o-mini", 100 + r.nextInt(900), 1 + r.nextInt(90), headers);
      traffic.add(id, i % 3 == 0 ? event.replace("\"provider\":\"openai\"", "\"provider\":\"acme-llm-" + i + "\"") : event);
    }
    for (int i = 0; i < 2; i++) {
      String id = "large-" + seed + "-" + i;
      String at = "2026-06-01T10:01:0" + i + "Z";
      traffic.add(id, "{\"request_id\":\"" + id + "\",\"event_type\":\"request\",\"timestamp\":\"" + at
          + "\",\"provider\":\"openai\",\"request_body\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
          + "\"content\":\"" + "long context ".repeat(TEN_MB / 13) + "\"}]}}");
      traffic.add(id, "{\"request_id\":\"" + id + "\",\"event_type\":\"response\",\"timestamp\":\"" + at
          + "\",\"status\":200,\"response_body\":{\"id\":\"chatcmpl-" + id + "\",\"object\":\"chat.completion\","
          + "\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":2500000,\"completion_tokens\":10}}}");
    }
  }

  private static byte[] notUtf8(String id) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(utf8("{\"request_id\":\"" + id + "\",\"event_type\":\"response\",\"provider\":\""));
    b.writeBytes(new byte[] {(byte) 0xC3, 0x28, (byte) 0xA0, (byte) 0xA1, (byte) 0xFF});
    b.writeBytes(utf8("\"}"));
    return b.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
