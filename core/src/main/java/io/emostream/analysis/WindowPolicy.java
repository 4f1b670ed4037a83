package io.emostream.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the analysis windows of one stream or clip lie; the one rule of both the service
 * ({@link io.emostream.sequence.SpeakerStreamSequencer}) and {@code ./emostream classify}:
 * <ul>
 *   <li>full windows start at 0, hop, 2 hop, ... while a whole window of audio is there;</li>
 *   <li>when the audio ends, one more window, zero-padded, starts at the next hop if it holds at least
 *       {@code minLastWindow} of audio that no earlier window covered;</li>
 *   <li>so audio shorter than {@code minLastWindow} (default {@value #DEFAULT_MIN_LAST_WINDOW}) yields no window:
 *       too little to judge.</li>
 * </ul>
 *
 * @param window        length of a window
 * @param hop           distance between window starts (the service requires at most {@code window}; classify
 *                      also takes longer hops, leaving audio between windows unclassified)
 * @param minLastWindow least new audio in a trailing partial window, between 0 and {@code window}
 */
public record WindowPolicy(Duration window, Duration hop, Duration minLastWindow) {

    /** Default of {@link #minLastWindow} (ISO-8601), also the service's {@code emostream.window.min-last-window}. */
    public static final String DEFAULT_MIN_LAST_WINDOW = "PT1S";

    public WindowPolicy {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(hop, "hop");
        Objects.requireNonNull(minLastWindow, "minLastWindow");
        if (window.isNegative() || window.isZero() || hop.isNegative() || hop.isZero()) {
            throw new IllegalArgumentException(
                    "window " + window + " and hop " + hop + " must be positive");
        }
        if (minLastWindow.isNegative() || minLastWindow.compareTo(window) > 0) {
            throw new IllegalArgumentException(
                    "minLastWindow " + minLastWindow + " must be between 0 and window " + window);
        }
    }

    /** {@code window} and {@code hop} with the default {@link #minLastWindow} (or {@code window}, if shorter). */
    public static WindowPolicy of(Duration window, Duration hop) {
        Duration min = Duration.parse(DEFAULT_MIN_LAST_WINDOW);
        return new WindowPolicy(window, hop, min.compareTo(window) > 0 ? window : min);
    }

    public long windowSamples(int sampleRate) {
        return Math.max(1, samplesOf(window, sampleRate));
    }

    public long hopSamples(int sampleRate) {
        return Math.max(1, samplesOf(hop, sampleRate));
    }

    /** Least new audio of a trailing window, in samples: at least one. */
    public long minLastSamples(int sampleRate) {
        return Math.max(1, samplesOf(minLastWindow, sampleRate));
    }

    /**
     * Whether, once audio of {@code length} samples has ended, a last window starting at {@code nextStart} is
     * classified; {@code lastWindowEnd} is where the last window so far ended (0 or less if none).
     */
    public boolean lastWindowDue(long length, long nextStart, long lastWindowEnd, int sampleRate) {
        return length - Math.max(nextStart, lastWindowEnd) >= minLastSamples(sampleRate);
    }

    /** Start offsets, in samples, of every window of audio of {@code length} samples that has ended. */
    public List<Long> starts(long length, int sampleRate) {
        long windowSamples = windowSamples(sampleRate);
        long hopSamples = hopSamples(sampleRate);
        List<Long> starts = new ArrayList<>();
        long lastEnd = 0;
        long start = 0;
        for (; start + windowSamples <= length; start += hopSamples) {
            starts.add(start);
            lastEnd = start + windowSamples;
        }
        if (lastWindowDue(length, start, lastEnd, sampleRate)) {
            starts.add(start);
        }
        return starts;
    }

    /** Samples in {@code d} at {@code sampleRate}, rounded to the nearest sample. */
    public static long samplesOf(Duration d, int sampleRate) {
        return Math.round(d.toNanos() * (double) sampleRate / 1e9);
    }
}
