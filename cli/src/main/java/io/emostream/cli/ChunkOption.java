package io.emostream.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --chunk-ms N}, for the commands that send call audio (a picocli mixin). */
final class ChunkOption {

    /** Audio per chunk unless {@code --chunk-ms} says otherwise; also what {@code demo} sends. */
    static final int DEFAULT_MILLIS = 100;

    @Option(
            names = "--chunk-ms",
            paramLabel = "N",
            defaultValue = "" + DEFAULT_MILLIS,
            converter = Converters.PositiveInt.class,
            description = "audio per chunk in milliseconds (default ${DEFAULT-VALUE})")
    private int millis;

    Duration chunk() {
        return Duration.ofMillis(millis);
    }
}
