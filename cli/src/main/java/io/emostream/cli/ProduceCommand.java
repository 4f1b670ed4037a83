package io.emostream.cli;

import io.emostream.audio.AudioFiles;
import io.emostream.audio.PcmAudio;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.CallAudioSender;
import io.emostream.local.SampleEncodings;
import io.emostream.service.ServiceConfiguration;
import io.emostream.stream.TopologySettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code emostream produce}: sends WAV files as the live audio of one call, in the Confluent wire format, at
 * real-time pace. The files are read, mixed to mono, resampled to {@code --rate}, concatenated and encoded;
 * {@code --stereo-agent FILE} adds a second channel (customer = the files, agent = FILE) sent as one
 * interleaved stream.
 */
@Command(
        name = "produce",
        description = {
            "send WAV files as live call audio to Kafka",
            "",
            "Sends WAV files as the audio of one call (AudioChunk records on Kafka, key = call id), concatenated, in "
                    + "real time unless --fast."
        })
public final class ProduceCommand extends Subcommand {

    /** Kafka and the registry when neither the option nor the environment names them: a local stack. */
    static final String LOCAL_BOOTSTRAP = "localhost:9092";

    static final String LOCAL_REGISTRY = "http://localhost:8081" + ApicurioRegistry.CCOMPAT_PATH;

    @Parameters(
            paramLabel = "FILE",
            arity = "1..*",
            description = "WAV files, sent one after the other")
    private List<Path> files;

    @Option(names = "--call-id", paramLabel = "ID", required = true, description = "call id")
    private String callId;

    @Option(
            names = "--encoding",
            paramLabel = "E",
            defaultValue = "pcm16",
            converter = EncodingName.class,
            description = "pcm16 | mulaw | alaw | float32 (default ${DEFAULT-VALUE})")
    private AudioEncoding encoding;

    @Option(
            names = "--rate",
            paramLabel = "HZ",
            defaultValue = "16000",
            converter = Converters.PositiveInt.class,
            description =
                    "sample rate on the wire (default ${DEFAULT-VALUE}; 8000 is typical for mulaw/alaw)")
    private int rate;

    @Option(
            names = "--speaker",
            paramLabel = "S",
            defaultValue = "customer",
            description =
                    "speaker of a mono stream: customer | agent | unknown (default ${DEFAULT-VALUE})")
    private SpeakerRole speaker;

    @Option(
            names = "--stereo-agent",
            paramLabel = "FILE",
            description = "send 2 interleaved channels: customer = FILE..., agent = this file")
    private Path agentFile;

    @Mixin private ChunkOption chunk;

    @Option(names = "--fast", description = "send as fast as possible instead of in real time")
    private boolean fast;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-" + LOCAL_BOOTSTRAP + "}",
            description = "Kafka (default $KAFKA_BOOTSTRAP_SERVERS or " + LOCAL_BOOTSTRAP + ")")
    private String bootstrap;

    @Option(
            names = "--registry",
            paramLabel = "URL",
            defaultValue = "${env:SCHEMA_REGISTRY_URL:-" + LOCAL_REGISTRY + "}",
            description =
                    "schema registry (default $SCHEMA_REGISTRY_URL or " + LOCAL_REGISTRY + ")")
    private String registry;

    @Option(
            names = "--topic",
            paramLabel = "NAME",
            description =
                    "input topic (default: the service's emostream.topics.audio, read as the service reads"
                            + " it, from -D, the environment and its application.properties: "
                            + TopologySettings.DEFAULT_AUDIO_TOPIC
                            + " unless set)")
    private String topic;

    @Option(
            names = "--client-config",
            paramLabel = "FILE",
            description = "extra Kafka producer properties (e.g. security.protocol, sasl.*, ssl.*)")
    private Path clientConfig;

    /** {@code --encoding}: an {@link AudioEncoding} by its name on the command line, with the codecs' aliases. */
    static final class EncodingName implements ITypeConverter<AudioEncoding> {
        @Override
        public AudioEncoding convert(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "pcm16", "pcm16le" -> AudioEncoding.PCM16LE;
                case "float32", "float32le" -> AudioEncoding.FLOAT32LE;
                case "mulaw", "ulaw", "pcmu" -> AudioEncoding.MULAW;
                case "alaw", "pcma" -> AudioEncoding.ALAW;
                default ->
                        throw new TypeConversionException(
                                "must be pcm16, float32, mulaw or alaw, got '" + name + "'");
            };
        }
    }

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        if (callId.isBlank()) {
            throw new UsageException("option --call-id must not be blank");
        }
        Duration chunk = this.chunk.chunk();

        List<float[]> parts = new ArrayList<>();
        for (Path file : files) {
            parts.add(readMono(file, rate));
        }
        float[] customer = concat(parts);
        CallAudioSender.CallStream stream;
        if (agentFile != null) {
            float[] agent = readMono(agentFile, rate);
            int frames = Math.max(customer.length, agent.length);
            stream =
                    new CallAudioSender.CallStream(
                            callId,
                            List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT),
                            rate,
                            encoding,
                            new float[][] {
                                java.util.Arrays.copyOf(customer, frames),
                                java.util.Arrays.copyOf(agent, frames)
                            });
        } else {
            stream =
                    new CallAudioSender.CallStream(
                            callId, List.of(speaker), rate, encoding, new float[][] {customer});
        }

        String topic =
                this.topic != null ? this.topic : ServiceConfiguration.mapping().topics().audio();
        out.printf(
                "Producing call %s: %.1f s, %d channel(s), %s at %d Hz to %s on %s%s%n",
                callId,
                stream.seconds(),
                stream.channels().length,
                encoding,
                rate,
                topic,
                bootstrap,
                fast ? " (fast)" : " (real time)");
        Map<String, Object> extra = new HashMap<>();
        if (clientConfig != null) {
            java.util.Properties properties = new java.util.Properties();
            try (var reader = java.nio.file.Files.newBufferedReader(clientConfig)) {
                properties.load(reader);
            }
            properties.forEach((key, value) -> extra.put(key.toString(), value));
        }
        try (Producer<String, AudioChunk> producer =
                CallAudioSender.newProducer(bootstrap, registry, extra)) {
            long chunks = new CallAudioSender(producer, topic, chunk, fast).send(stream);
            out.printf(
                    "Sent %d chunks of call %s (last one with endOfStream=true)%n", chunks, callId);
        }
        return 0;
    }

    /** Reads an audio file, mixes its channels to mono and resamples it to {@code rate}. */
    static float[] readMono(Path file, int rate) throws java.io.IOException {
        PcmAudio audio = AudioFiles.read(file);
        float[][] channels = audio.channels();
        float[] mono = new float[channels[0].length];
        for (float[] channel : channels) {
            for (int i = 0; i < mono.length; i++) {
                mono[i] += channel[i] / channels.length;
            }
        }
        return SampleEncodings.resample(mono, audio.sampleRate(), rate);
    }

    private static float[] concat(List<float[]> parts) {
        int length = parts.stream().mapToInt(p -> p.length).sum();
        float[] all = new float[length];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
