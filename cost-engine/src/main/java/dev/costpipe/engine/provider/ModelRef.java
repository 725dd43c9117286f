package dev.costpipe.engine.provider;

/** Who was called for what: provider id, model as called, and optional deployment/region. Any may be null. */
public record ModelRef(String provider, String model, String deployment) {}
