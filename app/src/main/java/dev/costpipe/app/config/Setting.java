package dev.costpipe.app.config;

import java.util.Set;

/** One {@code costpipe.*} setting: its type, default (null: none) and the components that read it. */
public record Setting(String key, SettingType type, String defaultValue, Set<Component> components) {}
