package io.emostream.dashboard;

import java.util.Map;

/**
 * One change of the {@link DashboardState}, sent to the browser as a server-sent event named {@code type} with
 * {@code data} as JSON. Types: {@value #SNAPSHOT} (every call, first on each connection), {@value #WINDOW} (a
 * speaker's new window), {@value #STATS} (a speaker's latest statistics, {@code final} at the end), {@value #ALERT}
 * and {@value #REMOVED} (a call dropped after the retention). See docs/dashboard.md.
 */
public record DashboardUpdate(String type, Map<String, Object> data) {

    public static final String SNAPSHOT = "snapshot";
    public static final String WINDOW = "window";
    public static final String STATS = "stats";
    public static final String ALERT = "alert";
    public static final String REMOVED = "removed";
}
