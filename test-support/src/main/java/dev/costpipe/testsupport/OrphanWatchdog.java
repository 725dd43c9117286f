package dev.costpipe.testsupport;

/**
 * For the main class of a child JVM: halts the JVM at once when the process that started it is gone (it is no
 * longer this process's parent: the test JVM or benchmark was killed, or timed out without its shutdown hooks), so
 * that no server or application outlives the run that started it.
 */
public final class OrphanWatchdog {
  private OrphanWatchdog() {}

  /**
   * Starts the watchdog thread: every 500 ms it compares this process's parent with {@code parentPid}; once they
   * differ it prints {@code goneMessage}, runs {@code cleanUp} and halts with status 3.
   */
  public static void start(long parentPid, String threadName, String goneMessage, Runnable cleanUp) {
    Thread watchdog = new Thread(() -> {
      while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parentPid) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println(goneMessage);
      cleanUp.run();
      Runtime.getRuntime().halt(3);
    }, threadName);
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
