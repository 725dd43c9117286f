package dev.costpipe.app.cli;

/**
 * The broker and Kafka's clients log every step at INFO; for the commands that run a broker in-process,
 * only warnings (set before the first logger is made; a -D on the command line still wins).
 */
final class QuietKafkaLogs {
  private QuietKafkaLogs() {}

  static void apply() {
    for (String logger : new String[] {"kafka", "org.apache.kafka", "state.change.logger"}) {
      String key = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(key) == null) {
        System.setProperty(key, "warn");
      }
    }
    if (System.getProperty("org.slf4j.simpleLogger.showDateTime") == null) {
      System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
      System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    }
  }
}
