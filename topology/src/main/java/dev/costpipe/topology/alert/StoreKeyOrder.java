package dev.costpipe.topology.alert;

import java.util.Comparator;

/**
 * The order a persistent store iterates String keys in: their UTF-8 bytes compared unsigned, which is code point
 * order. {@link String#compareTo} (UTF-16 units) differs for U+E000–U+FFFF against code points past U+FFFF; this
 * agrees with the store without encoding the keys.
 */
final class StoreKeyOrder implements Comparator<String> {
  static final StoreKeyOrder INSTANCE = new StoreKeyOrder();

  private StoreKeyOrder() {}

  @Override
  public int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        return Integer.compare(codePointRank(x), codePointRank(y));
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /** A UTF-16 unit moved so that surrogates (code points past U+FFFF) rank after every other unit. */
  private static int codePointRank(char c) {
    if (c >= 0xE000) {
      return c - 0x800;
    }
    return Character.isSurrogate(c) ? c + 0x2000 : c;
  }
}
