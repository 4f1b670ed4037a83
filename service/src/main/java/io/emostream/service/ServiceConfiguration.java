package io.emostream.service;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.PathConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The service's configuration read outside Quarkus, from the same sources in the same order, so that the tools
 * (demo, bench, produce) and in-process runs see the names and defaults the packaged service sees: {@code
 * overrides} first, then system properties, then (if asked) environment variables with Quarkus' name mapping
 * ({@code EMOSTREAM_TOPICS_AUDIO} is {@code emostream.topics.audio}), then the service's {@code
 * application.properties}, then the mapping's defaults.
 */
public final class ServiceConfiguration {

    private ServiceConfiguration() {}

    /**
     * The configuration with the {@link EmostreamConfig} mapping registered.
     *
     * @param overrides   highest-priority values (e.g. a bootstrap address the tool chose)
     * @param environment environment variables to read ({@code System.getenv()}), or an empty map for runs that
     *                    must be reproducible
     */
    public static SmallRyeConfig read(
            Map<String, String> overrides, Map<String, String> environment) {
        URL file =
                ServiceConfiguration.class.getClassLoader().getResource("application.properties");
        if (file == null) {
            throw new IllegalStateException("application.properties not found on the class path");
        }
        try {
            SmallRyeConfigBuilder builder =
                    new SmallRyeConfigBuilder()
                            .addDefaultInterceptors()
                            // Quarkus' converters, so "3s" and paths read as in the service
                            .withConverter(Duration.class, 200, new DurationConverter())
                            .withConverter(Path.class, 200, new PathConverter())
                            .withSources(new PropertiesConfigSource(overrides, "overrides", 500))
                            .withSources(new SysPropConfigSource())
                            .withSources(new PropertiesConfigSource(file, 250))
                            .withMapping(EmostreamConfig.class)
                            // the launcher's -Demostream.home lies under the mapping's prefix but
                            // is no service setting
                            .withValidateUnknown(false);
            if (!environment.isEmpty()) {
                // ordinal 300, as in Quarkus: above the file, below system properties
                builder.withSources(new EnvConfigSource(environment, 300));
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + file + " failed", e);
        }
    }

    /** The service's {@link EmostreamConfig} as the packaged service would read it here, environment included. */
    public static EmostreamConfig mapping() {
        return read(Map.of(), System.getenv()).getConfigMapping(EmostreamConfig.class);
    }
}
