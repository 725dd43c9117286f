package dev.costpipe.contracts.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Kafka topics that do not exist yet, as given: partitions, replication factor (empty: the cluster's
 * defaults) and configs. A topic that exists is left as it is, also one another client creates meanwhile
 * ({@link TopicExistsException} is not an error). Every costpipe process that creates topics does it here.
 * Failures throw {@link TopicCreationException} naming the topics and the cause; each call waits at most the
 * timeout given.
 */
public final class TopicCreator {
  private final Admin admin;
  private final Duration timeout;

  /** Thrown when Kafka cannot list, create or configure the topics (unreachable, refused, no answer in time). */
  public static final class TopicCreationException extends KafkaException {
    TopicCreationException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public TopicCreator(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  /** The names of the topics that exist now. */
  public Set<String> existing() throws InterruptedException {
    return await(admin.listTopics().names(), "cannot list the topics", timeout);
  }

  /** Creates those of {@code wanted} that do not exist; returns their names, sorted (empty when none was missing). */
  public List<String> createMissing(Collection<NewTopic> wanted) throws InterruptedException {
    Set<String> existing = existing();
    List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
    create(missing);
    return missing.stream().map(NewTopic::name).sorted().toList();
  }

  /** Creates the topics; one that exists already (made by another client meanwhile) is left as it is. */
  public void create(Collection<NewTopic> topics) throws InterruptedException {
    if (topics.isEmpty()) {
      return;
    }
    Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
    for (Map.Entry<String, KafkaFuture<Void>> r : new TreeMap<>(results).entrySet()) {
      try {
        await(r.getValue(), "cannot create the topic " + r.getKey() + " (of " + names(topics) + ")", timeout);
      } catch (TopicCreationException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  /** The future's value within the timeout, or a {@link TopicCreationException} saying {@code what} failed. */
  static <T> T await(KafkaFuture<T> future, String what, Duration timeout) throws InterruptedException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new TopicCreationException(what + ": " + cause, cause);
    } catch (TimeoutException e) {
      throw new TopicCreationException(what + ": Kafka did not answer within " + timeout.toSeconds() + " s", e);
    }
  }

  private static Set<String> names(Collection<NewTopic> topics) {
    Set<String> out = new TreeSet<>();
    topics.forEach(t -> out.add(t.name()));
    return out;
  }
}
