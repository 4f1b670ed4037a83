package io.emostream.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The packaged service ({@code service/target/quarkus-app/quarkus-run.jar}) run as a child process, as the demo and the
 * end-to-end test run it: configured through environment variables only, output appended to a log file.
 */
public final class ServiceProcess implements AutoCloseable {

    /** The packaged service, where the service module's build writes it under the {@link ProjectHome}. */
    public static Path defaultJar() {
        return ProjectHome.resolve("service", "target", "quarkus-app", "quarkus-run.jar");
    }

    private final Process process;
    private final int httpPort;
    private final Path logFile;

    private ServiceProcess(Process process, int httpPort, Path logFile) {
        this.process = process;
        this.httpPort = httpPort;
        this.logFile = logFile;
    }

    /**
     * Starts the service.
     *
     * @param jar         quarkus-run.jar of the fast-jar layout
     * @param environment variables added to this process's environment (KAFKA_BOOTSTRAP_SERVERS, ...)
     * @param httpPort    port of the REST API (also the advertised interactive-query endpoint)
     * @param logFile     receives the service's stdout and stderr
     */
    public static ServiceProcess start(
            Path jar, Map<String, String> environment, int httpPort, Path logFile)
            throws IOException {
        return start(jar, environment, Map.of(), httpPort, logFile);
    }

    /**
     * Starts the service with extra configuration passed as {@code -Dkey=value} system properties (any key of
     * application.properties, e.g. {@code kafka-streams.consumer.session.timeout.ms}).
     */
    public static ServiceProcess start(
            Path jar,
            Map<String, String> environment,
            Map<String, String> properties,
            int httpPort,
            Path logFile)
            throws IOException {
        return start(jar, environment, properties, List.of(), httpPort, logFile);
    }

    /**
     * As above, with JVM options after the defaults ({@code -Xmx1g -XX:+ExitOnOutOfMemoryError}, so a later
     * {@code -Xmx} wins), e.g. a GC choice or a flight recording.
     */
    public static ServiceProcess start(
            Path jar,
            Map<String, String> environment,
            Map<String, String> properties,
            List<String> jvmOptions,
            int httpPort,
            Path logFile)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(
                    "Service jar "
                            + jar.toAbsolutePath()
                            + " not found: build it with ./mvnw -o -DskipTests package");
        }
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command =
                new ArrayList<>(List.of(java, "-Xmx1g", "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(jvmOptions);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("HTTP_PORT", Integer.toString(httpPort));
        env.putIfAbsent("EMOSTREAM_ADVERTISED_ENDPOINT", "localhost:" + httpPort);
        builder.environment().putAll(env);
        return new ServiceProcess(builder.start(), httpPort, logFile);
    }

    /** Base URL of the REST API. */
    public String url() {
        return "http://localhost:" + httpPort;
    }

    public Path logFile() {
        return logFile;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * CPU time the service process has used so far, all threads together (Java, GC, JIT and native ones such as
     * RocksDB's), as the operating system counts it; zero if the system does not say.
     */
    public Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * CPU time so far of each kind of thread of the service process, from {@code /proc/PID/task/TID/stat} (user +
     * system, in the kernel's 10-ms clock ticks): threads are grouped by their name as the system knows it (Java
     * names truncated to 15 characters), with a trailing number and its separator removed, so {@code "GC
     * Thread#0"} and {@code "GC Thread#1"} are one kind. Threads that ended before the call are not counted (their
     * time is in {@link #cpuTime()} only). Empty where the system has no such files.
     */
    public Map<String, Duration> cpuTimeByThreadKind() {
        Map<String, Duration> byKind = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid()), "task");
        try (var threads = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue; // the thread ended between the listing and the read
                }
                // pid (comm) state ppid ... : comm may hold spaces and parentheses, so split at the
                // last ')'
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String[] fields = stat.substring(close + 2).split(" ");
                long ticks =
                        Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                String kind = stat.substring(open + 1, close).replaceAll("[-#:_ ]?[0-9]+$", "");
                byKind.merge(kind, Duration.ofMillis(ticks * 10), Duration::plus);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byKind;
    }

    /**
     * The service process's resident memory: {@code current} now and {@code peak} since it started (Linux
     * {@code VmRSS} and {@code VmHWM} of {@code /proc/PID/status}: heap, RocksDB, ONNX Runtime and everything
     * else); empty where the system has no such file.
     */
    public Optional<ResidentMemory> residentMemory() {
        try {
            long current = -1;
            long peak = -1;
            for (String line :
                    Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    current = kibibytes(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kibibytes(line);
                }
            }
            return current < 0 || peak < 0
                    ? Optional.empty()
                    : Optional.of(new ResidentMemory(current * 1024, peak * 1024));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Resident memory in bytes: now and the peak since start. */
    public record ResidentMemory(long currentBytes, long peakBytes) {}

    private static long kibibytes(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until {@code /q/health/ready} answers 200 (Kafka Streams RUNNING).
     *
     * @throws IOException when the process exits or the timeout passes first
     */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        awaitReady(url(), timeout, process);
    }

    /** Waits until the service at {@code baseUrl} is ready; {@code process} (may be null) must stay alive. */
    public static void awaitReady(String baseUrl, Duration timeout, Process process)
            throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build();
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (process != null && !process.isAlive()) {
                throw new IOException(
                        "Service exited with code " + process.exitValue() + " before it was ready");
            }
            try {
                HttpResponse<String> response =
                        client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException notYetListening) {
                last = notYetListening.toString();
            }
            Thread.sleep(500);
        }
        throw new IOException(
                "Service at " + baseUrl + " not ready after " + timeout + ": " + last);
    }

    /** Kills the process at once (SIGKILL): no commit, no group leave, as a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * Stops the process gracefully (SIGTERM, Kafka Streams closes cleanly), killing it after 15 s (a broker that
     * is already gone would keep Kafka Streams retrying its final commit much longer).
     */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }
}
