package dev.costpipe.topology.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ids ordered as a persistent store iterates them: by their UTF-8 bytes, not by String.compareTo. */
class StoreKeyOrderTest {

  private static int utf8Order(String a, String b) {
    return Integer.signum(Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aCodePointPastFfffComesAfterOneOfTheLastBmpBlock() {
    String fullwidthA = "\uFF21";
    String grinning = "\uD83D\uDE00"; // U+1F600
    assertThat(fullwidthA.compareTo(grinning)).as("UTF-16 order").isPositive();
    assertThat(StoreKeyOrder.INSTANCE.compare(fullwidthA, grinning)).isNegative();
    assertThat(utf8Order(fullwidthA, grinning)).isNegative();
  }

  @Test
  void agreesWithTheUtf8BytesOnMixedIds() {
    List<String> ids = List.of("a", "B", "a-daily", "a", "", "é", "\uE000x", "\uFFFF", "\uD800\uDC00", "\uD83D\uDE00z",
        "team=search", "team\u001fsearch", "user-0252-daily", "user-0252");
    for (String x : ids) {
      for (String y : ids) {
        assertThat(Integer.signum(StoreKeyOrder.INSTANCE.compare(x, y))).as(x + " / " + y).isEqualTo(utf8Order(x, y));
      }
    }
  }

  @Test
  void agreesWithTheUtf8BytesOnRandomIds() {
    Random random = new Random(11);
    int[] blocks = {0x20, 0x7F, 0x100, 0xD7F0, 0xE000, 0xFFF0, 0x10000, 0x1F600, 0x10FFF0};
    for (int i = 0; i < 20_000; i++) {
      String x = randomId(random, blocks);
      String y = random.nextInt(4) == 0 ? x + randomId(random, blocks) : randomId(random, blocks);
      assertThat(Integer.signum(StoreKeyOrder.INSTANCE.compare(x, y))).as(x + " / " + y).isEqualTo(utf8Order(x, y));
    }
  }

  /** A few code points each near one of {@code blocks}' starts (never a lone surrogate: the store could not tell). */
  private static String randomId(Random random, int[] blocks) {
    StringBuilder s = new StringBuilder();
    for (int n = random.nextInt(4); n >= 0; n--) {
      s.appendCodePoint(blocks[random.nextInt(blocks.length)] + random.nextInt(8));
    }
    return s.toString();
  }
}
