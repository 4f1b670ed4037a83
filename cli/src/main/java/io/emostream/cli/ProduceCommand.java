package io.emostream.cli;

import io.emostream.audio.AudioFiles;
import io.emostream.audio.PcmAudio;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.local.CallAudioSender;
import io.emostream.local.SampleEncodings;
import org.apache.kafka.clients.producer.Producer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code emostream produce}: sends WAV files as the live audio of one call, in the Confluent wire format, at
 * real-time pace. The files are read, mixed to mono, resampled to {@code --rate}, concatenated and encoded;
 * {@code --stereo-agent FILE} adds a second channel (customer = the files, agent = FILE) sent as one
 * interleaved stream.
 */
public final class ProduceCommand implements Command {

    static final String USAGE = """
            Usage: emostream produce --call-id ID [options] FILE...
              Sends WAV files as the audio of one call (AudioChunk records on Kafka, key = call id).
              --call-id ID            call id (required)
              --encoding E            pcm16 | mulaw | alaw (default pcm16)
              --rate HZ               sample rate on the wire (default 16000; 8000 is typical for mulaw/alaw)
              --speaker S             speaker of a mono stream: customer | agent | unknown (default customer)
              --stereo-agent FILE     send 2 interleaved channels: customer = FILE..., agent = this file
              --chunk-ms N            audio per chunk in milliseconds (default 100)
              --fast                  send as fast as possible instead of in real time
              --bootstrap HOST:PORT   Kafka (default $KAFKA_BOOTSTRAP_SERVERS or localhost:9092)
              --registry URL          schema registry (default $SCHEMA_REGISTRY_URL or
                                      http://localhost:8081/apis/ccompat/v7)
              --topic NAME            input topic (default call-audio)
              --client-config FILE    extra Kafka producer properties (e.g. security.protocol, sasl.*, ssl.*)
            """;

    @Override
    public String name() {
        return "produce";
    }

    @Override
    public String summary() {
        return "send WAV files as live call audio to Kafka";
    }

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CommandLine options = CommandLine.parse(name(), args,
                Set.of("call-id", "encoding", "rate", "speaker", "stereo-agent", "chunk-ms", "bootstrap", "registry",
                        "topic", "client-config"),
                Set.of("fast"));
        if (options.help()) {
            out.print(USAGE);
            return 0;
        }
        String callId = options.required("call-id");
        if (options.positionals().isEmpty()) {
            throw new UsageException("no WAV file given");
        }
        AudioEncoding encoding = parseEncoding(options.string("encoding", "pcm16"));
        int rate = options.integer("rate", 16000, 1);
        Duration chunk = Duration.ofMillis(options.integer("chunk-ms", 100, 1));

        List<float[]> parts = new ArrayList<>();
        for (String file : options.positionals()) {
            parts.add(readMono(Path.of(file), rate));
        }
        float[] customer = concat(parts);
        CallAudioSender.CallStream stream;
        String agentFile = options.string("stereo-agent", null);
        if (agentFile != null) {
            float[] agent = readMono(Path.of(agentFile), rate);
            int frames = Math.max(customer.length, agent.length);
            stream = new CallAudioSender.CallStream(callId, List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT), rate,
                    encoding, new float[][] {java.util.Arrays.copyOf(customer, frames),
                            java.util.Arrays.copyOf(agent, frames)});
        } else {
            SpeakerRole speaker = SpeakerRole.valueOf(options.string("speaker", "customer").toUpperCase(Locale.ROOT));
            stream = new CallAudioSender.CallStream(callId, List.of(speaker), rate, encoding,
                    new float[][] {customer});
        }

        String bootstrap = options.string("bootstrap", env("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        String registry = options.string("registry", env("SCHEMA_REGISTRY_URL",
                "http://localhost:8081/apis/ccompat/v7"));
        String topic = options.string("topic", "call-audio");
        out.printf("Producing call %s: %.1f s, %d channel(s), %s at %d Hz to %s on %s%s%n", callId,
                stream.seconds(), stream.channels().length, encoding, rate, topic, bootstrap,
                options.flag("fast") ? " (fast)" : " (real time)");
        Map<String, Object> extra = new HashMap<>();
        String clientConfig = options.string("client-config", null);
        if (clientConfig != null) {
            java.util.Properties properties = new java.util.Properties();
            try (var reader = java.nio.file.Files.newBufferedReader(Path.of(clientConfig))) {
                properties.load(reader);
            }
            properties.forEach((key, value) -> extra.put(key.toString(), value));
        }
        try (Producer<String, AudioChunk> producer = CallAudioSender.newProducer(bootstrap, registry, extra)) {
            long chunks = new CallAudioSender(producer, topic, chunk, options.flag("fast")).send(stream);
            out.printf("Sent %d chunks of call %s (last one with endOfStream=true)%n", chunks, callId);
        }
        return 0;
    }

    static AudioEncoding parseEncoding(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "pcm16", "pcm16le" -> AudioEncoding.PCM16LE;
            case "float32", "float32le" -> AudioEncoding.FLOAT32LE;
            case "mulaw", "ulaw", "pcmu" -> AudioEncoding.MULAW;
            case "alaw", "pcma" -> AudioEncoding.ALAW;
            default -> throw new UsageException("--encoding: unknown encoding '" + name
                    + "' (expected pcm16, float32, mulaw or alaw)");
        };
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

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
