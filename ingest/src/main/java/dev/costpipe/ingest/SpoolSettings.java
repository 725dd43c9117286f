package dev.costpipe.ingest;

import java.nio.file.Path;

/** The durable spool of ingest: its directory and the most bytes it may hold (then 503). */
public record SpoolSettings(Path directory, long maxBytes) {
}
