package dev.costpipe.engine.event;

import dev.costpipe.engine.usage.Usage;
import java.math.BigDecimal;

/**
 * What a usage event carries beyond the envelope: the call's normalized usage (the cost record's usage, read
 * strictly), the cost its source reported, if any (exact, as written), whether the call streamed, and the source's
 * name ({@code otlp}, {@code litellm}, …; kept for diagnostics only).
 */
public record UsageReport(Usage usage, BigDecimal reportedCostUsd, boolean streamed, String source) {}
