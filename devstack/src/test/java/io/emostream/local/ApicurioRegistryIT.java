package io.emostream.local;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How ApicurioRegistry fails: each error names the cause and shows what the registry logged. */
class ApicurioRegistryIT {

    @Test
    void registryThatDiesReportsExitCodeAndItsLastLogLines() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    ApicurioRegistry.start(
                                            taken.getLocalPort(), Duration.ofMinutes(3)));
            String message = e.getMessage();
            assertTrue(message.contains("exited with code"), message);
            assertTrue(message.contains("last lines of"), message);
            assertTrue(message.toLowerCase().contains("port"), message);
        }
    }

    @Test
    void missingDistributionSaysHowToGetIt(@TempDir Path emptyDir) {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                ApicurioRegistry.start(
                                        emptyDir.resolve("apicurio"), 0, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("generate-resources"), e.getMessage());
        IllegalStateException noJar =
                assertThrows(
                        IllegalStateException.class,
                        () -> ApicurioRegistry.start(emptyDir, 0, Duration.ofSeconds(5)));
        assertTrue(noJar.getMessage().contains("-runner.jar"), noJar.getMessage());
    }
}
