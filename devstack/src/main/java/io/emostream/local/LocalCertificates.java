package io.emostream.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway self-signed server certificate for {@code localhost} / {@code 127.0.0.1}, made with the JDK's
 * {@code keytool} into a directory: a PKCS12 keystore holding the key and certificate (for the TLS listener of the
 * broker or the registry) and a PKCS12 truststore holding only the certificate (for the clients). For tests and
 * local stacks only: the password is given by the caller, the key lives for two days.
 *
 * @param keystore   the server's key and certificate (PKCS12)
 * @param truststore the certificate alone (PKCS12), to trust the server
 * @param password   the password of both stores and of the key
 */
public record LocalCertificates(Path keystore, Path truststore, String password) {

    /** Store type of both files. */
    public static final String STORE_TYPE = "PKCS12";

    /** Generates a new key pair and the two stores in {@code directory} (created if missing). */
    public static LocalCertificates generate(Path directory, String password) {
        if (password.length() < 6) {
            throw new IllegalArgumentException("keytool wants a password of at least 6 characters");
        }
        try {
            Files.createDirectories(directory);
            Path keystore = directory.resolve("server-keystore.p12");
            Path certificate = directory.resolve("server.crt");
            Path truststore = directory.resolve("truststore.p12");
            for (Path old : List.of(keystore, certificate, truststore)) {
                Files.deleteIfExists(old);
            }
            keytool(
                    "-genkeypair",
                    "-alias",
                    "localhost",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype",
                    STORE_TYPE,
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    password,
                    "-keypass",
                    password);
            keytool(
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "localhost",
                    "-keystore",
                    keystore.toString(),
                    "-storetype",
                    STORE_TYPE,
                    "-storepass",
                    password,
                    "-file",
                    certificate.toString());
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "localhost",
                    "-file",
                    certificate.toString(),
                    "-keystore",
                    truststore.toString(),
                    "-storetype",
                    STORE_TYPE,
                    "-storepass",
                    password);
            return new LocalCertificates(
                    keystore.toAbsolutePath(), truststore.toAbsolutePath(), password);
        } catch (IOException e) {
            throw new IllegalStateException("Could not generate certificates in " + directory, e);
        }
    }

    private static void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + arguments[0] + " did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(
                        "keytool "
                                + arguments[0]
                                + " exited with "
                                + process.exitValue()
                                + ": "
                                + new String(output, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running keytool", e);
        }
    }
}
