package dev.costpipe.topology.query;

import org.apache.kafka.streams.state.HostInfo;

/**
 * The instance whose active task holds a key's partition of a store: this one ({@code local}) or another, reached
 * at its {@code application.server}.
 */
public record KeyOwner(HostInfo host, int partition, boolean local) {}
