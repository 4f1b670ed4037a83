package io.emostream.dashboard;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One change of the {@link DashboardState}, sent to the browser as a server-sent event named {@code type} with
 * {@code data} as JSON. Types: {@value #SNAPSHOT} (every call, first on each connection), {@value #WINDOW} (a
 * speaker's new window), {@value #STATS} (a speaker's latest statistics, {@code final} at the end), {@value #ALERT}
 * and {@value #REMOVED} (a call dropped after the retention). See docs/dashboard.md.
 *
 * <p>An update goes to every connected browser; {@link #json} renders it once and hands every connection the
 * same text.
 */
public final class DashboardUpdate {

    public static final String SNAPSHOT = "snapshot";
    public static final String WINDOW = "window";
    public static final String STATS = "stats";
    public static final String ALERT = "alert";
    public static final String REMOVED = "removed";

    private final String type;
    private final Map<String, Object> data;
    private volatile String json;

    public DashboardUpdate(String type, Map<String, Object> data) {
        this.type = Objects.requireNonNull(type, "type");
        this.data = Objects.requireNonNull(data, "data");
    }

    public String type() {
        return type;
    }

    public Map<String, Object> data() {
        return data;
    }

    /** {@link #data} as JSON, rendered by {@code writer} on first use and then reused. */
    public String json(Function<Object, String> writer) {
        String rendered = json;
        if (rendered == null) {
            rendered = writer.apply(data);
            json = rendered;
        }
        return rendered;
    }

    @Override
    public String toString() {
        return type + " " + data;
    }
}
