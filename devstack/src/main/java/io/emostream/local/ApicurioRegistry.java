package io.emostream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Apicurio Registry 2.6 (a real, Confluent-compatible schema registry) running as a child process, for the
 * integration tests and {@code ./emostream demo}. The registry comes from the unpacked app distribution in
 * {@code target/apicurio} (the pom's maven-dependency-plugin unpacks it in generate-resources); system
 * property {@code apicurio.home} overrides that directory. Storage is the app's default, an in-memory H2
 * database, so every start is empty. The HTTP server binds to 127.0.0.1 only.
 *
 * <p>Output goes to {@code apicurio-registry-<port>.log} next to the home directory (i.e. under
 * {@code target/}). The process and its descendants are destroyed on {@link #close()} and, should the JVM
 * exit without closing, by a shutdown hook.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** System property naming the unpacked Apicurio Registry app directory. */
    public static final String HOME_PROPERTY = "apicurio.home";

    /** Path of the Confluent-compatible API under the registry's root URL. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final int LOG_LINES_IN_ERRORS = 40;

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Duration startupTime;
    private final Thread shutdownHook;

    private ApicurioRegistry(
            Process process, int port, Path logFile, Duration startupTime, Thread shutdownHook) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.startupTime = startupTime;
        this.shutdownHook = shutdownHook;
    }

    /** Starts on a random free port with the default home and a 3-minute start-up timeout. */
    public static ApicurioRegistry start() {
        return start(0, Duration.ofMinutes(3));
    }

    /**
     * Starts the registry and waits until its Confluent-compatible API answers.
     *
     * @param port           HTTP port, or 0 for a free one
     * @param startupTimeout how long to wait for the API (Apicurio needs about 10-20 s on 2 cores)
     */
    public static ApicurioRegistry start(int port, Duration startupTimeout) {
        return start(defaultHome(), port, startupTimeout);
    }

    /** As {@link #start(int, Duration)}, with the unpacked app in {@code home}. */
    public static ApicurioRegistry start(Path home, int port, Duration startupTimeout) {
        home = home.toAbsolutePath(); // the child runs inside home, so a relative path would
        // not resolve there
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Path runnerJar = findRunnerJar(home);
        int httpPort = port == 0 ? freePort() : port;
        Path logFile =
                home.toAbsolutePath().getParent().resolve("apicurio-registry-" + httpPort + ".log");

        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        // Small heap and C1 only: the registry holds a handful of schemas, and start-up time
        // matters more than
        // peak throughput on a shared 2-core machine.
        command.add("-Xms64m");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + httpPort);
        command.add("-Dquarkus.log.console.color=false");
        command.add("-jar");
        command.add(runnerJar.toString());

        Instant started = Instant.now();
        Process process;
        try {
            process =
                    new ProcessBuilder(command)
                            .directory(home.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(logFile.toFile())
                            .start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not launch Apicurio Registry: " + String.join(" ", command), e);
        }
        Thread shutdownHook = new Thread(() -> destroy(process), "apicurio-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        ApicurioRegistry registry =
                new ApicurioRegistry(process, httpPort, logFile, Duration.ZERO, shutdownHook);
        try {
            awaitReady(process, registry.ccompatUrl(), logFile, startupTimeout);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return new ApicurioRegistry(
                process, httpPort, logFile, Duration.between(started, Instant.now()), shutdownHook);
    }

    /**
     * The unpacked Apicurio app: {@code apicurio.home} if set, else {@code devstack/target/apicurio} under the
     * {@link ProjectHome} (the devstack module's build unpacks it there), absolute.
     */
    public static Path defaultHome() {
        String configured = System.getProperty(HOME_PROPERTY);
        Path home =
                configured != null && !configured.isBlank()
                        ? Paths.get(configured)
                        : ProjectHome.resolve("devstack", "target", "apicurio");
        return home.toAbsolutePath().normalize();
    }

    /** Root URL, e.g. {@code http://127.0.0.1:38211}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Base URL of the Confluent-compatible API, for {@code schema.registry.url}. */
    public String ccompatUrl() {
        return baseUrl() + CCOMPAT_PATH;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    /** Time from launching the process until the API answered. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Destroys the registry process and its descendants. */
    @Override
    public void close() {
        destroy(process);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
    }

    private static void destroy(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitReady(
            Process process, String ccompatUrl, Path logFile, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe =
                HttpRequest.newBuilder(URI.create(ccompatUrl + "/subjects"))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build();
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Apicurio Registry exited with code "
                                + process.exitValue()
                                + " before answering at "
                                + ccompatUrl
                                + "; last lines of "
                                + logFile
                                + ":\n"
                                + tail(logFile));
            }
            try {
                HttpResponse<Void> response =
                        http.send(probe, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep polling
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(
                        "Interrupted while waiting for Apicurio Registry at " + ccompatUrl, e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "Apicurio Registry did not answer at "
                                + ccompatUrl
                                + " within "
                                + timeout.toSeconds()
                                + " s; last lines of "
                                + logFile
                                + ":\n"
                                + tail(logFile));
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(
                        "Interrupted while waiting for Apicurio Registry at " + ccompatUrl, e);
            }
        }
    }

    private static Path findRunnerJar(Path home) {
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException(
                    "Apicurio Registry home "
                            + home.toAbsolutePath()
                            + " does not exist: run "
                            + "'./mvnw -o generate-resources' to unpack it, or set -D"
                            + HOME_PROPERTY
                            + "=<dir>");
        }
        try (Stream<Path> files = Files.list(home)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "No *-runner.jar in Apicurio Registry home "
                                                    + home.toAbsolutePath()
                                                    + " (expected apicurio-registry-app-<version>-runner.jar and lib/)"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list Apicurio Registry home " + home, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port for Apicurio Registry", e);
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(
                    "\n",
                    lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
