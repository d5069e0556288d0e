package io.mlco2.tracker.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its name, what it accepts, and its default.
 *
 * @param name        full name, e.g. {@code mlco2.interval}
 * @param parser      turns the text into a value, throwing {@link IllegalArgumentException} when it is not valid
 * @param accepted    what the key accepts, for error messages and the docs, e.g. {@code a duration > 0 (500ms, 1s, 2m)}
 * @param defaultText the default as text ({@code null}: unset by default)
 * @param description one line for the docs
 */
public record Key<T>(String name, Function<String, T> parser, String accepted, String defaultText, String description) {

    public Key {
        Objects.requireNonNull(name);
        if (!name.startsWith("mlco2.")) {
            throw new IllegalArgumentException("config keys start with mlco2.: " + name);
        }
    }

    /** The environment variable of this key: {@code mlco2.output.dir} -> {@code MLCO2_OUTPUT_DIR}. */
    public String envName() {
        return envName(name);
    }

    public static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public T defaultValue() {
        return defaultText == null ? null : parser.apply(defaultText);
    }
}
