package io.emostream.local;

import io.emostream.audio.AudioFiles;
import io.emostream.audio.PcmAudio;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.local.SyntheticSpeech.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The calls of the demo and the benchmark: WAV files of a directory, or generated speech-like calls. */
public final class DemoCalls {

    private DemoCalls() {}

    /**
     * Four generated calls of {@code seconds} each: calm, agitated-versus-calm (8 kHz mu-law stereo, customer and
     * agent taking turns), subdued (8 kHz A-law) and cheerful (16 kHz PCM16).
     */
    public static List<CallAudioSender.CallStream> generated(
            String prefix, double seconds, long seed) {
        List<CallAudioSender.CallStream> calls = new ArrayList<>();
        calls.add(mono(prefix + "-1", Profile.CALM, seconds, 16000, AudioEncoding.PCM16LE, seed));
        calls.add(stereo(prefix + "-2", Profile.AGITATED, Profile.CALM, seconds, seed + 1));
        calls.add(
                mono(prefix + "-3", Profile.SUBDUED, seconds, 8000, AudioEncoding.ALAW, seed + 2));
        calls.add(
                mono(
                        prefix + "-4",
                        Profile.CHEERFUL,
                        seconds,
                        16000,
                        AudioEncoding.PCM16LE,
                        seed + 3));
        return calls;
    }

    /** The {@code index}-th of an endless rotation of generated calls (for benchmarks with N calls). */
    public static CallAudioSender.CallStream generated(
            String callId, int index, double seconds, long seed) {
        Profile[] profiles = Profile.values();
        if (index % 4 == 1) {
            return stereo(callId, Profile.AGITATED, Profile.CALM, seconds, seed + index);
        }
        return mono(
                callId,
                profiles[index % profiles.length],
                seconds,
                16000,
                AudioEncoding.PCM16LE,
                seed + index);
    }

    /** The demo's conversations: CREMA-D test-split clips assembled by {@code tools/make_demo_conversations.py}. */
    public static final Path CONVERSATIONS = Path.of("demo", "conversations");

    /**
     * One call per WAV or FLAC file of {@code directory} (call id = file name), sent as PCM16 at the file's rate: a
     * mono file is the customer; a 2-channel file is a stereo call, channel 0 the customer and channel 1 the agent
     * (the default layout of a 2-channel {@code AudioChunk}).
     */
    public static List<CallAudioSender.CallStream> fromDirectory(Path directory)
            throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files =
                    list.filter(
                                    p -> {
                                        String name =
                                                p.getFileName().toString().toLowerCase(Locale.ROOT);
                                        return name.endsWith(".wav") || name.endsWith(".flac");
                                    })
                            .sorted()
                            .toList();
        }
        if (files.isEmpty()) {
            throw new IOException("No .wav or .flac files in " + directory);
        }
        List<CallAudioSender.CallStream> calls = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String callId =
                    name.substring(0, name.lastIndexOf('.')).replaceAll("[^A-Za-z0-9._-]", "_");
            PcmAudio audio = AudioFiles.read(file);
            List<SpeakerRole> speakers =
                    switch (audio.channelCount()) {
                        case 1 -> List.of(SpeakerRole.CUSTOMER);
                        case 2 -> List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT);
                        default ->
                                throw new IOException(
                                        file
                                                + ": "
                                                + audio.channelCount()
                                                + " channels; the demo sends "
                                                + "mono (customer) or stereo (customer, agent) files");
                    };
            calls.add(
                    new CallAudioSender.CallStream(
                            callId,
                            speakers,
                            audio.sampleRate(),
                            AudioEncoding.PCM16LE,
                            audio.channels()));
        }
        return calls;
    }

    private static CallAudioSender.CallStream mono(
            String callId,
            Profile profile,
            double seconds,
            int rate,
            AudioEncoding encoding,
            long seed) {
        return new CallAudioSender.CallStream(
                callId,
                List.of(SpeakerRole.CUSTOMER),
                rate,
                encoding,
                new float[][] {SyntheticSpeech.generate(profile, seconds, rate, seed)});
    }

    /** 8 kHz mu-law stereo: customer and agent take turns of 3 to 6 s, each channel quiet while the other talks. */
    private static CallAudioSender.CallStream stereo(
            String callId, Profile customer, Profile agent, double seconds, long seed) {
        int rate = 8000;
        float[] customerAudio = SyntheticSpeech.generate(customer, seconds, rate, seed);
        float[] agentAudio = SyntheticSpeech.generate(agent, seconds, rate, seed + 100);
        java.util.Random random = new java.util.Random(seed);
        boolean customerTalks = true;
        int position = 0;
        while (position < customerAudio.length) {
            int turn =
                    Math.min(
                            customerAudio.length - position,
                            (int) ((3 + 3 * random.nextDouble()) * rate));
            float[] quiet = customerTalks ? agentAudio : customerAudio;
            for (int i = position; i < position + turn; i++) {
                quiet[i] *= 0.01f; // cross-talk leaking into the other channel
            }
            position += turn;
            customerTalks = !customerTalks;
        }
        return new CallAudioSender.CallStream(
                callId,
                List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT),
                rate,
                AudioEncoding.MULAW,
                new float[][] {customerAudio, agentAudio});
    }
}
