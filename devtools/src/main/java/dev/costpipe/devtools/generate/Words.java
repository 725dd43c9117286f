package dev.costpipe.devtools.generate;

import java.util.Random;

/** Reproducible English-looking text of a given length, for prompts and answers. */
final class Words {
  private static final String[] VOCABULARY = (
      "the a an of to and in for on with by from about order account refund invoice payment customer "
      + "shipping delivery address product service plan premium free tier upgrade cancel subscription "
      + "please thanks could would should can will need want help check status update issue error "
      + "function class method test build deploy release branch commit review change file line code "
      + "query search result document page section summary answer question context source data table "
      + "user team project meeting email draft reply schedule week today tomorrow yesterday report "
      + "price cost budget usage limit quota request response model token cache stream latency "
      + "because however also then first next finally example detail step reason option policy "
      + "quickly carefully clearly briefly exactly usually often never always maybe likely "
      + "is are was were be been has have had do does did not no yes it this that these those "
      + "we you they he she our your their my its new old small large fast slow good better best").split(" ");

  private Words() {}

  /** About {@code chars} characters (never fewer than one word) of sentences. */
  static String text(Random random, int chars) {
    StringBuilder out = new StringBuilder(chars + 16);
    int inSentence = 0;
    while (out.length() < chars) {
      String word = VOCABULARY[random.nextInt(VOCABULARY.length)];
      if (inSentence == 0) {
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
      } else {
        out.append(' ').append(word);
      }
      inSentence++;
      if (inSentence > 6 && random.nextInt(8) == 0) {
        out.append('.');
        inSentence = 0;
      }
    }
    if (inSentence > 0) {
      out.append('.');
    }
    return out.toString();
  }
}
