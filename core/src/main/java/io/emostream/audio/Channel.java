package io.emostream.audio;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A line a 16 kHz window can be passed through, as the {@code line} augmentations of {@code models/train/train.py}:
 * none ({@link #CLEAN}), an 8 kHz G.711 mu-law round trip ({@link #TELEPHONE}), an 8 kHz G.711 A-law round trip
 * ({@link #ALAW}), or the 8 kHz band limit alone, without quantisation or codec ({@link #NARROWBAND}). All but
 * {@link #CLEAN} go through {@link TelephoneChannel#apply(float[], Channel)}.
 */
public enum Channel {
    CLEAN,
    TELEPHONE,
    ALAW,
    NARROWBAND;

    /** The name used on the command line and in reports: clean, telephone, alaw, narrowband. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every {@link #cliName()}, separated by {@code |}. */
    public static String choices() {
        return Arrays.stream(values()).map(Channel::cliName).collect(Collectors.joining("|"));
    }

    /** @throws IllegalArgumentException naming the accepted names */
    public static Channel parse(String name) {
        for (Channel channel : values()) {
            if (channel.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return channel;
            }
        }
        throw new IllegalArgumentException(
                "unknown channel '" + name + "' (one of " + choices() + ")");
    }

    /** The window as heard through this line: a new array of the same length ({@link #CLEAN}: a copy). */
    public float[] apply(float[] samples16k) {
        return this == CLEAN ? samples16k.clone() : TelephoneChannel.apply(samples16k, this);
    }
}
