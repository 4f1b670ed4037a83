package io.emostream.conversation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The conversation metrics of one call: per speaker talk, silence, over-talk and turns, from the frame decisions of a
 * {@link SpeechActivityDetector} ({@link ActivityFrames}). Pure and small: the caller feeds each speaker's frames as
 * its windows are analysed, ends a speaker when its stream ends, and persists the state ({@link #encode}) between
 * records. Its size is fixed by the speaker count (at most {@value #MAX_SPEAKERS}) and {@link
 * ConversationRules#maxLag()}: about 80 bytes per speaker plus one bit per frame of the lag, rounded up to 64 bits
 * (64 bytes at the default 10 s of 20-ms frames): 310 bytes for agent and customer.
 *
 * <h2>Definitions</h2>
 * A speaker's stream is cut into frames of {@link SpeechActivityDetector#frame()} (20 ms with the speech gate)
 * counted from its first sample; the detector says which are <em>speech</em>.
 * <ul>
 *   <li><b>Talk</b>: a speech frame is talk; so is every frame of a run of non-speech frames no longer than
 *       {@link ConversationRules#hangover()} that lies between two speech frames. A <em>talk spurt</em> is a maximal
 *       run of talk frames: it starts at a speech frame and ends at a speech frame. <b>Silence</b> is every other
 *       frame of the stream. A run of non-speech frames after a speech frame is decided once it outgrows the
 *       hangover or the next speech frame arrives, so the last hangover of a running stream is not yet counted;
 *       when the stream ends it is silence.</li>
 *   <li>The speakers' frames are aligned on capture time: frame {@code k} of a stream whose first sample was
 *       captured at {@code originMs} lies in call slot {@code round(originMs / frame) + k}. The two channels of a
 *       stereo stream share their origin; two mono streams of one call are aligned to the nearest frame (at most
 *       half a frame apart).</li>
 *   <li><b>Over-talk</b> of a speaker: the slots in which the speaker and at least one other speaker of the call
 *       both talk. With two parties it is the same number for both.</li>
 *   <li><b>Turns</b> of a speaker: how often the speaker <em>took the floor</em>, that is became the sole talker (the
 *       only speaker of the call talking in a slot) when the previous sole talker was another speaker, or when
 *       there was none yet (so the call's first talker has one turn from the start). Talking on after a pause, or
 *       a backchannel spoken entirely over the other party's talk, is no new turn; an interruption that outlasts
 *       the interrupted party is one.</li>
 * </ul>
 * Slots are merged in time order once every speaker's talk there is decided. A speaker expected on the call (the
 * caller names them, e.g. agent and customer) whose stream has not started holds the merge back, and so does a
 * stream that lags; once the leading speaker is {@link ConversationRules#maxLag()} ahead, the oldest slots are
 * merged with the lagging or missing speaker counted as not talking, and that speaker's frames for slots already
 * merged count for talk and silence only. When every speaker that has audio has ended, the rest is merged.
 *
 * <p>Not thread-safe; one instance per call, used by one thread at a time.
 */
public final class Conversation {

    /** Most speakers tracked per call; the frames of further speakers are ignored. */
    public static final int MAX_SPEAKERS = 4;

    /** Format version of {@link #encode()}. */
    static final byte VERSION = 1;

    private static final long NONE = Long.MIN_VALUE;

    /** Largest run of missing frames {@link #add} fills with silence: one day of 20-ms frames. */
    static final long MAX_FILLED_FRAMES = 4_320_000;

    private final Duration frame;
    private final int hangoverFrames;
    private final int capacity;
    private final List<Track> tracks = new ArrayList<>();

    /** First slot not merged yet, or {@link #NONE} before the first decided frame. */
    private long mergedSlot = NONE;

    /** Index of the last sole talker, or -1. */
    private int lastSole = -1;

    /** One speaker: its smoothing state, its decided-but-not-merged slots (a ring of bits) and its counters. */
    private static final class Track {
        final String speaker;
        final boolean expected;
        final long[] bits;
        boolean present;
        boolean ended;
        boolean inSpurt;
        int held;
        long slotOrigin;
        long firstSlot;
        long nextFrame;
        long decidedEnd;
        long talkFrames;
        long silenceFrames;
        long overTalkFrames;
        long turns;

        Track(String speaker, boolean expected, int capacity) {
            this.speaker = speaker;
            this.expected = expected;
            this.bits = new long[capacity / 64];
        }

        /** 1 talking, 0 not, -1 not decided yet, in slot {@code slot}. */
        int talking(long slot, int capacity) {
            if (!present) {
                return expected && !ended ? -1 : 0;
            }
            if (slot < firstSlot) {
                return 0;
            }
            if (slot < decidedEnd) {
                int at = (int) Math.floorMod(slot, (long) capacity);
                return (int) (bits[at >>> 6] >>> (at & 63)) & 1;
            }
            return ended ? 0 : -1;
        }

        void set(long slot, boolean talk, int capacity) {
            int at = (int) Math.floorMod(slot, (long) capacity);
            if (talk) {
                bits[at >>> 6] |= 1L << (at & 63);
            } else {
                bits[at >>> 6] &= ~(1L << (at & 63));
            }
        }
    }

    /**
     * An empty conversation.
     *
     * @param rules            hangover and lag
     * @param frame            the detector's frame ({@link SpeechActivityDetector#frame()})
     * @param expectedSpeakers the speakers the call should have (at most {@value #MAX_SPEAKERS}): until each has
     *                         audio, over-talk and turns wait for it (up to the lag)
     */
    public Conversation(ConversationRules rules, Duration frame, List<String> expectedSpeakers) {
        this(frame, rules.hangoverFrames(positive(frame)), rules.lagFrames(frame));
        if (expectedSpeakers.size() > MAX_SPEAKERS) {
            throw new IllegalArgumentException(
                    "at most " + MAX_SPEAKERS + " speakers, got " + expectedSpeakers);
        }
        for (String speaker : expectedSpeakers) {
            if (track(speaker) == null) {
                tracks.add(new Track(speaker, true, capacity));
            }
        }
    }

    private Conversation(Duration frame, int hangoverFrames, int capacity) {
        this.frame = frame;
        this.hangoverFrames = hangoverFrames;
        this.capacity = capacity;
    }

    private static Duration positive(Duration frame) {
        if (frame.isNegative() || frame.isZero()) {
            throw new IllegalArgumentException("frame must be positive, was " + frame);
        }
        return frame;
    }

    public Duration frame() {
        return frame;
    }

    /**
     * Takes the next frames of {@code speaker}'s stream, whose first sample was captured at {@code originMs}
     * (epoch milliseconds; only the speaker's first call places its frames, later calls must give the same
     * origin). Frames normally continue where the previous call ended; frames already taken are skipped, and
     * frames missing before {@code frames.firstFrame()} are taken as non-speech. Frames of a speaker that has
     * ended, or of a speaker beyond {@value #MAX_SPEAKERS}, are ignored.
     */
    public void add(String speaker, long originMs, ActivityFrames frames) {
        Track t = trackOrNew(speaker);
        if (t == null || t.ended) {
            return;
        }
        if (!t.present) {
            t.present = true;
            long frameMicros = Math.max(1, frame.toNanos() / 1000);
            t.slotOrigin = Math.floorDiv(originMs * 1000 + frameMicros / 2, frameMicros);
            t.nextFrame = frames.firstFrame();
            t.firstSlot = t.slotOrigin + t.nextFrame;
            t.decidedEnd = t.firstSlot;
        }
        boolean[] speech = frames.speech();
        long first = frames.firstFrame();
        int skip = (int) Math.min(speech.length, Math.max(0, t.nextFrame - first));
        long missing = first - t.nextFrame;
        if (missing > MAX_FILLED_FRAMES) {
            throw new IllegalArgumentException(
                    speaker + ": " + missing + " frames missing before frame " + first);
        }
        for (long i = 0; i < missing; i++) {
            feed(t, false);
        }
        for (int i = skip; i < speech.length; i++) {
            feed(t, speech[i]);
        }
        mergeWhileDecided();
    }

    /**
     * Ends {@code speaker}'s stream: its held non-speech frames become silence and it counts as not talking from
     * then on. Once every speaker with audio has ended, all decided slots are merged and the metrics are final.
     */
    public void end(String speaker) {
        Track t = trackOrNew(speaker);
        if (t == null || t.ended) {
            return;
        }
        if (t.present) {
            release(t, false);
        }
        t.ended = true;
        if (finished()) {
            while (merge(true)) {
                // every slot is merged, the absent speakers counted as not talking
            }
        } else {
            mergeWhileDecided();
        }
    }

    /** Whether every speaker with audio has ended (or none has audio): the metrics are final. */
    public boolean finished() {
        return tracks.stream().noneMatch(t -> t.present && !t.ended);
    }

    /** Whether the speaker's stream has ended. */
    public boolean ended(String speaker) {
        Track t = track(speaker);
        return t != null && t.ended;
    }

    /** The speaker's metrics so far ({@link SpeakerMetrics#NONE} for a speaker without audio). */
    public SpeakerMetrics metrics(String speaker) {
        Track t = track(speaker);
        if (t == null) {
            return SpeakerMetrics.NONE;
        }
        return new SpeakerMetrics(
                frames(t.talkFrames), frames(t.silenceFrames), frames(t.overTalkFrames), t.turns);
    }

    /**
     * {@code count} frames as a duration, in exact nanosecond arithmetic: {@link Duration#multipliedBy} goes through
     * {@code BigDecimal}, which showed in the stream thread's profile since this runs for every statistics record.
     */
    private Duration frames(long count) {
        return Duration.ofNanos(Math.multiplyExact(frame.toNanos(), count));
    }

    // ---- smoothing and merging

    /** One more frame of {@code t}'s stream, through the hangover. */
    private void feed(Track t, boolean speech) {
        t.nextFrame++;
        if (speech) {
            release(t, true);
            decide(t, true);
            t.inSpurt = true;
        } else if (t.inSpurt) {
            t.held++;
            if (t.held > hangoverFrames) {
                release(t, false);
            }
        } else {
            decide(t, false);
        }
    }

    /** Decides the held frames of {@code t} as talk (a speech frame followed) or silence (the spurt ended). */
    private void release(Track t, boolean talk) {
        for (; t.held > 0; t.held--) {
            decide(t, talk);
        }
        if (!talk) {
            t.inSpurt = false;
        }
    }

    private void decide(Track t, boolean talk) {
        long slot = t.decidedEnd++;
        if (talk) {
            t.talkFrames++;
        } else {
            t.silenceFrames++;
        }
        if (mergedSlot == NONE) {
            mergedSlot = slot;
        }
        if (slot < mergedSlot) {
            return; // merged without this speaker already (it lagged by more than maxLag)
        }
        while (slot - mergedSlot >= capacity) {
            merge(true);
        }
        t.set(slot, talk, capacity);
    }

    private void mergeWhileDecided() {
        while (merge(false)) {
            // merges every slot that each speaker has decided
        }
    }

    /**
     * Merges the oldest unmerged slot if every speaker's talk there is decided, or, with {@code force}, counting
     * the undecided as not talking; returns whether it did. No slot past the last decided one is merged.
     */
    private boolean merge(boolean force) {
        if (mergedSlot == NONE) {
            return false;
        }
        long slot = mergedSlot;
        boolean any = false;
        for (Track t : tracks) {
            any |= t.present && slot < t.decidedEnd;
        }
        if (!any) {
            return false;
        }
        int talking = 0;
        int sole = -1;
        for (int i = 0; i < tracks.size(); i++) {
            int state = tracks.get(i).talking(slot, capacity);
            if (state < 0 && !force) {
                return false;
            }
            if (state > 0) {
                talking++;
                sole = i;
            }
        }
        if (talking >= 2) {
            for (Track t : tracks) {
                if (t.talking(slot, capacity) > 0) {
                    t.overTalkFrames++;
                }
            }
        } else if (talking == 1 && sole != lastSole) {
            tracks.get(sole).turns++;
            lastSole = sole;
        }
        mergedSlot++;
        return true;
    }

    private Track track(String speaker) {
        for (Track t : tracks) {
            if (t.speaker.equals(speaker)) {
                return t;
            }
        }
        return null;
    }

    private Track trackOrNew(String speaker) {
        Objects.requireNonNull(speaker, "speaker");
        Track t = track(speaker);
        if (t == null && tracks.size() < MAX_SPEAKERS) {
            t = new Track(speaker, false, capacity);
            tracks.add(t);
        }
        return t;
    }

    // ---- codec

    /** The state as bytes: version {@value #VERSION}, then the fields (a fixed layout per speaker). */
    public byte[] encode() {
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(64 + tracks.size() * (96 + capacity / 8));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(frame.toNanos());
            out.writeInt(hangoverFrames);
            out.writeInt(capacity);
            out.writeLong(mergedSlot);
            out.writeByte(lastSole);
            out.writeByte(tracks.size());
            for (Track t : tracks) {
                out.writeUTF(t.speaker);
                out.writeByte(
                        (t.expected ? 1 : 0)
                                | (t.present ? 2 : 0)
                                | (t.ended ? 4 : 0)
                                | (t.inSpurt ? 8 : 0));
                out.writeInt(t.held);
                out.writeLong(t.slotOrigin);
                out.writeLong(t.firstSlot);
                out.writeLong(t.nextFrame);
                out.writeLong(t.decidedEnd);
                out.writeLong(t.talkFrames);
                out.writeLong(t.silenceFrames);
                out.writeLong(t.overTalkFrames);
                out.writeLong(t.turns);
                for (long word : t.bits) {
                    out.writeLong(word);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes what {@link #encode()} wrote. The frame, hangover and lag are those the state was written with, so a
     * call in progress keeps its rules across a change of configuration.
     *
     * @throws IllegalArgumentException for an unknown version or bytes that are not a valid state
     */
    public static Conversation decode(byte[] value) {
        if (value == null || value.length == 0 || value[0] != VERSION) {
            throw new IllegalArgumentException(
                    "conversation state: "
                            + (value == null || value.length == 0
                                    ? "empty"
                                    : "unknown format version " + value[0]));
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            in.readByte();
            Duration frame = positive(Duration.ofNanos(in.readLong()));
            int hangoverFrames = in.readInt();
            int capacity = in.readInt();
            if (hangoverFrames < 0 || capacity < 64 || capacity % 64 != 0 || capacity > 1 << 20) {
                throw new IOException("hangover " + hangoverFrames + ", capacity " + capacity);
            }
            Conversation c = new Conversation(frame, hangoverFrames, capacity);
            c.mergedSlot = in.readLong();
            c.lastSole = in.readByte();
            int count = in.readUnsignedByte();
            if (count > MAX_SPEAKERS || c.lastSole < -1 || c.lastSole >= count) {
                throw new IOException(count + " speakers, last sole talker " + c.lastSole);
            }
            for (int i = 0; i < count; i++) {
                String speaker = in.readUTF();
                int flags = in.readUnsignedByte();
                Track t = new Track(speaker, (flags & 1) != 0, capacity);
                t.present = (flags & 2) != 0;
                t.ended = (flags & 4) != 0;
                t.inSpurt = (flags & 8) != 0;
                t.held = in.readInt();
                t.slotOrigin = in.readLong();
                t.firstSlot = in.readLong();
                t.nextFrame = in.readLong();
                t.decidedEnd = in.readLong();
                t.talkFrames = in.readLong();
                t.silenceFrames = in.readLong();
                t.overTalkFrames = in.readLong();
                t.turns = in.readLong();
                for (int w = 0; w < t.bits.length; w++) {
                    t.bits[w] = in.readLong();
                }
                c.tracks.add(t);
            }
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes left over");
            }
            return c;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "conversation state: " + value.length + " bytes do not decode (" + e + ")", e);
        }
    }
}
