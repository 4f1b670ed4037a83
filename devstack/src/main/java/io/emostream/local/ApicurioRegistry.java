package io.emostream.local;

import io.emostream.serde.AvroWireSerdeConfig;
import io.emostream.serde.HttpSchemaRegistryClient;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * Apicurio Registry 2.6 (a real, Confluent-compatible schema registry) running as a child process, for the
 * integration tests and {@code ./emostream demo}. The registry comes from the unpacked app distribution in
 * {@code target/apicurio} (the pom's maven-dependency-plugin unpacks it in generate-resources); system
 * property {@code apicurio.home} overrides that directory. The HTTP server binds to 127.0.0.1 only.
 *
 * <p>By default storage is the app's default, an in-memory H2 database, so every start is empty, and the API is
 * plain HTTP without authentication. {@link Options} can add:
 * <ul>
 *   <li>storage in an H2 database file ({@code REGISTRY_DATASOURCE_URL}), so schemas and their ids survive
 *       {@link #stop()} and {@link #restart()};</li>
 *   <li>HTTPS only ({@code quarkus.http.ssl.*}, {@code quarkus.http.insecure-requests=disabled}) with a given
 *       certificate;</li>
 *   <li>HTTP basic authentication ({@code AUTH_ENABLED}, {@code CLIENT_CREDENTIALS_BASIC_AUTH_ENABLED}). Apicurio
 *       2.x checks basic credentials at an OpenID Connect server, so a {@link LocalOidcIssuer} that knows the given
 *       users is started beside it (and stopped with it).</li>
 * </ul>
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

    /**
     * How to run the registry.
     *
     * @param port             HTTP(S) port, or 0 for a free one
     * @param startupTimeout   how long to wait for the API (Apicurio needs about 10-20 s on 2 cores)
     * @param storageDirectory where the H2 database file lives, or empty for in-memory storage
     * @param tls              the server certificate for HTTPS only, or empty for plain HTTP
     * @param users            user to password for basic authentication; empty for none
     */
    public record Options(
            int port,
            Duration startupTimeout,
            Optional<Path> storageDirectory,
            Optional<LocalCertificates> tls,
            Map<String, String> users) {
        public Options {
            Objects.requireNonNull(startupTimeout, "startupTimeout");
            Objects.requireNonNull(storageDirectory, "storageDirectory");
            Objects.requireNonNull(tls, "tls");
            users = Map.copyOf(users);
        }

        /** Plain HTTP, no authentication, in-memory storage: what {@link #start(int, Duration)} runs. */
        public static Options plain(int port, Duration startupTimeout) {
            return new Options(port, startupTimeout, Optional.empty(), Optional.empty(), Map.of());
        }

        public Options withStorage(Path directory) {
            return new Options(port, startupTimeout, Optional.of(directory), tls, users);
        }

        public Options withTls(LocalCertificates certificates) {
            return new Options(
                    port, startupTimeout, storageDirectory, Optional.of(certificates), users);
        }

        public Options withUser(String user, String password) {
            Map<String, String> more = new java.util.HashMap<>(users);
            more.put(user, password);
            return new Options(port, startupTimeout, storageDirectory, tls, more);
        }
    }

    private final Path home;
    private final Options options;
    private final int port;
    private final Path logFile;
    private final Optional<LocalOidcIssuer> issuer;
    private final Optional<SSLContext> sslContext;
    private final Thread shutdownHook;
    private volatile Process process;
    private volatile Duration startupTime = Duration.ZERO;

    private ApicurioRegistry(Path home, Options options, int port, Path logFile) {
        this.home = home;
        this.options = options;
        this.port = port;
        this.logFile = logFile;
        this.issuer =
                options.users().isEmpty()
                        ? Optional.empty()
                        : Optional.of(LocalOidcIssuer.start(options.users()));
        this.sslContext =
                options.tls()
                        .map(
                                c ->
                                        HttpSchemaRegistryClient.trusting(
                                                c.truststore(),
                                                c.password().toCharArray(),
                                                LocalCertificates.STORE_TYPE));
        this.shutdownHook =
                new Thread(
                        () -> {
                            Process running = process;
                            if (running != null) {
                                destroy(running);
                            }
                            issuer.ifPresent(LocalOidcIssuer::close);
                        },
                        "apicurio-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
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
        return start(home, Options.plain(port, startupTimeout));
    }

    /** Starts the registry in {@code home} as {@code options} say and waits until its API answers. */
    public static ApicurioRegistry start(Path home, Options options) {
        home = home.toAbsolutePath(); // the child runs inside home, so a relative path would
        // not resolve there
        findRunnerJar(home); // fail before anything is started
        int httpPort = options.port() == 0 ? freePort() : options.port();
        Path logFile =
                home.toAbsolutePath().getParent().resolve("apicurio-registry-" + httpPort + ".log");
        ApicurioRegistry registry = new ApicurioRegistry(home, options, httpPort, logFile);
        try {
            registry.launch();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private void launch() {
        Path runnerJar = findRunnerJar(home);
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
        command.add("-Dquarkus.log.console.color=false");
        Map<String, String> environment = new LinkedHashMap<>();
        if (options.tls().isPresent()) {
            LocalCertificates certificates = options.tls().get();
            command.add("-Dquarkus.http.ssl-port=" + port);
            command.add("-Dquarkus.http.insecure-requests=disabled");
            command.add("-Dquarkus.http.port=0");
            command.add(
                    "-Dquarkus.http.ssl.certificate.key-store-file="
                            + certificates.keystore().toAbsolutePath());
            command.add(
                    "-Dquarkus.http.ssl.certificate.key-store-password=" + certificates.password());
            command.add(
                    "-Dquarkus.http.ssl.certificate.key-store-file-type="
                            + LocalCertificates.STORE_TYPE);
        } else {
            command.add("-Dquarkus.http.port=" + port);
        }
        issuer.ifPresent(
                oidc -> {
                    environment.put("AUTH_ENABLED", "true");
                    environment.put("CLIENT_CREDENTIALS_BASIC_AUTH_ENABLED", "true");
                    environment.put("REGISTRY_AUTH_URL_CONFIGURED", oidc.issuerUrl());
                    environment.put("TOKEN_ENDPOINT", oidc.tokenEndpoint());
                });
        options.storageDirectory()
                .ifPresent(
                        directory ->
                                environment.put(
                                        "REGISTRY_DATASOURCE_URL",
                                        "jdbc:h2:file:"
                                                + directory.toAbsolutePath().resolve("registry")));
        command.add("-jar");
        command.add(runnerJar.toString());

        Instant started = Instant.now();
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .directory(home.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not launch Apicurio Registry: " + String.join(" ", command), e);
        }
        awaitReady(process, ccompatUrl(), logFile, options.startupTimeout());
        startupTime = Duration.between(started, Instant.now());
    }

    /**
     * Stops the registry process, as an outage would; port, options and (with {@link Options#withStorage}) the
     * stored schemas stay, so {@link #restart()} brings the same registry back.
     */
    public void stop() {
        Process running = process;
        if (running != null) {
            destroy(running);
        }
    }

    /** Starts the registry stopped by {@link #stop()} again and waits until its API answers. */
    public void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Apicurio Registry on port " + port + " is running");
        }
        launch();
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

    /** Root URL, e.g. {@code http://127.0.0.1:38211} ({@code https://} with TLS). */
    public String baseUrl() {
        return (options.tls().isPresent() ? "https" : "http") + "://127.0.0.1:" + port;
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

    public Options options() {
        return options;
    }

    /** Time from launching the (last) process until the API answered. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isAlive() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /**
     * Serde settings of a client of this registry, besides {@code schema.registry.url}: the truststore with TLS,
     * and {@code user}'s basic-auth credentials (the Confluent keys of {@link AvroWireSerdeConfig}).
     *
     * @param user     a user of {@link Options#users()}, or null for none
     * @param password the password to send (right or wrong)
     */
    public Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> properties = new LinkedHashMap<>();
        options.tls()
                .ifPresent(
                        c -> {
                            properties.put(
                                    AvroWireSerdeConfig.SSL_TRUSTSTORE_LOCATION,
                                    c.truststore().toString());
                            properties.put(
                                    AvroWireSerdeConfig.SSL_TRUSTSTORE_PASSWORD, c.password());
                            properties.put(
                                    AvroWireSerdeConfig.SSL_TRUSTSTORE_TYPE,
                                    LocalCertificates.STORE_TYPE);
                        });
        if (user != null) {
            properties.put(AvroWireSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
            properties.put(AvroWireSerdeConfig.BASIC_AUTH_USER_INFO, user + ":" + password);
        }
        return properties;
    }

    /** {@link #clientProperties(String, String)} with the first configured user, if any. */
    public Map<String, Object> clientProperties() {
        return options.users().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .findFirst()
                .map(u -> clientProperties(u.getKey(), u.getValue()))
                .orElseGet(() -> clientProperties(null, null));
    }

    /** Destroys the registry process and its descendants, and the OIDC issuer if there is one. */
    @Override
    public void close() {
        stop();
        issuer.ifPresent(LocalOidcIssuer::close);
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

    private void awaitReady(Process process, String ccompatUrl, Path logFile, Duration timeout) {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        sslContext.ifPresent(client::sslContext);
        HttpClient http = client.build();
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(ccompatUrl + "/subjects"))
                        .timeout(Duration.ofSeconds(5))
                        .GET();
        options.users().entrySet().stream()
                .findFirst()
                .ifPresent(
                        u ->
                                request.header(
                                        "Authorization",
                                        "Basic "
                                                + Base64.getEncoder()
                                                        .encodeToString(
                                                                (u.getKey() + ":" + u.getValue())
                                                                        .getBytes(
                                                                                StandardCharsets
                                                                                        .UTF_8))));
        HttpRequest probe = request.build();
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
