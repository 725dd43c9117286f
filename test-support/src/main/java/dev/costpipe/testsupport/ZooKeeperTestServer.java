package dev.costpipe.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real, throwaway single-node ZooKeeper (Apache ZooKeeper 3.9 from Maven Central) in the test JVM, on a
 * free port of 127.0.0.1 with its own temp directory: the coordination service replicated ClickHouse tables
 * and ON CLUSTER DDL need. ClickHouse 18.16's ZooKeeper client talks to it.
 */
public final class ZooKeeperTestServer implements AutoCloseable {
  private static final int TICK_MS = 500;

  private final Path dir;
  private final ZooKeeperServer server;
  private final ServerCnxnFactory connections;

  private ZooKeeperTestServer(Path dir, ZooKeeperServer server, ServerCnxnFactory connections) {
    this.dir = dir;
    this.server = server;
    this.connections = connections;
  }

  public static ZooKeeperTestServer start() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("costpipe-zookeeper-");
      ZooKeeperServer server = new ZooKeeperServer(dir.toFile(), dir.toFile(), TICK_MS);
      ServerCnxnFactory connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
      connections.startup(server);
      return new ZooKeeperTestServer(dir, server, connections);
    } catch (IOException | InterruptedException e) {
      if (dir != null) {
        ServerProcesses.deleteRecursively(dir);
      }
      throw new IllegalStateException("cannot start the ZooKeeper test server: " + e, e);
    }
  }

  public int port() {
    return connections.getLocalPort();
  }

  @Override
  public void close() {
    connections.shutdown();
    server.shutdown();
    ServerProcesses.deleteRecursively(dir);
  }
}
