package io.emostream.conversation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The definitions of {@link Conversation} on hand-made frame scripts: 20-ms frames, a 100-ms hangover (5 frames)
 * and a 2-s lag (rounded up to 128 frames) unless said otherwise; in a script '1' is a speech frame, '0' not.
 */
class ConversationTest {

    static final Duration FRAME = Duration.ofMillis(20);
    static final ConversationRules RULES =
            new ConversationRules(Duration.ofMillis(100), Duration.ofSeconds(2));
    static final long ORIGIN = 1_767_261_600_000L; // 2026-01-01T10:00:00Z, a multiple of 20 ms
    static final List<String> PARTIES = List.of("CUSTOMER", "AGENT");

    static boolean[] bits(String script) {
        String s = script.replace(" ", "");
        boolean[] out = new boolean[s.length()];
        for (int i = 0; i < s.length(); i++) {
            out[i] = s.charAt(i) == '1';
        }
        return out;
    }

    static Conversation conversation() {
        return new Conversation(RULES, FRAME, PARTIES);
    }

    static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }

    static SpeakerMetrics metrics(long talkMs, long silenceMs, long overTalkMs, long turns) {
        return new SpeakerMetrics(ms(talkMs), ms(silenceMs), ms(overTalkMs), turns);
    }

    @Test
    void pausesUpToTheHangoverBetweenSpeechFramesAreTalkAndLongerOnesSilence() {
        Conversation c = conversation();
        // 5 speech, 5 pause (bridged), 5 speech, 6 pause (silence), 2 speech, 3 pause (held, then
        // silence)
        c.add("AGENT", ORIGIN, new ActivityFrames(0, bits("11111 00000 11111 000000 11 000")));
        // the customer is expected but has no audio: over-talk and turns wait for it
        assertEquals(metrics(17 * 20, 6 * 20, 0, 0), c.metrics("AGENT"));
        assertTrue(!c.finished());
        c.end("AGENT");
        assertEquals(metrics(17 * 20, 9 * 20, 0, 1), c.metrics("AGENT"));
        assertEquals(SpeakerMetrics.NONE, c.metrics("CUSTOMER"));
        assertTrue(c.finished());
    }

    @Test
    void aZeroHangoverCountsOnlySpeechFrames() {
        Conversation c =
                new Conversation(
                        new ConversationRules(Duration.ZERO, Duration.ofSeconds(1)),
                        FRAME,
                        List.of());
        c.add("AGENT", ORIGIN, new ActivityFrames(0, bits("1010 0110")));
        assertEquals(metrics(80, 80, 0, 1), c.metrics("AGENT"));
    }

    @Test
    void stereoScriptGivesTheKnownOverTalkAndTurns() {
        // customer: talks 0-400 ms, again 600-1000 ms after a 200-ms pause (> hangover: a new
        // spurt, no new turn)
        // agent:    talks 800-1600 ms, over the customer's last 200 ms; then the customer again
        // 1800-2000 ms
        String customer =
                "11111111111111111111 0000000000 11111111111111111111 0000000000000000000000000000000000000000 1111111111";
        String agent =
                "00000000000000000000 0000000000 0000000000 1111111111 111111111111111111111111111111 0000000000 0000000000";
        Conversation c = conversation();
        for (int at = 0;
                at < bits(customer).length;
                at += 25) { // window by window, customer channel first
            c.add("CUSTOMER", ORIGIN, slice(customer, at, 25));
            c.add("AGENT", ORIGIN, slice(agent, at, 25));
        }
        c.end("CUSTOMER");
        c.end("AGENT");
        // customer: talk 20 + 20 + 10 frames; agent: 40 frames; both from frame 40 to 49: 10 frames
        // at once
        assertEquals(
                metrics(50 * 20, (bits(customer).length - 50) * 20L, 200, 2),
                c.metrics("CUSTOMER"));
        assertEquals(metrics(40 * 20, (bits(agent).length - 40) * 20L, 200, 1), c.metrics("AGENT"));
    }

    static ActivityFrames slice(String script, int from, int count) {
        boolean[] all = bits(script);
        boolean[] part = new boolean[Math.max(0, Math.min(count, all.length - from))];
        System.arraycopy(all, from, part, 0, part.length);
        return new ActivityFrames(from, part);
    }

    @Test
    void aBackchannelOverTheOtherPartyIsNoTurnButAnInterruptionThatOutlastsItIs() {
        Conversation c = conversation();
        // agent talks 0-60 frames; the customer says "mm-hm" at 20-30 (over the agent), then
        // interrupts at 50
        // and talks on alone until 80
        c.add("AGENT", ORIGIN, new ActivityFrames(0, run(0, 60, 100)));
        c.add("CUSTOMER", ORIGIN, new ActivityFrames(0, or(run(20, 30, 100), run(50, 80, 100))));
        c.end("AGENT");
        c.end("CUSTOMER");
        assertEquals(1, c.metrics("AGENT").turns());
        assertEquals(1, c.metrics("CUSTOMER").turns());
        assertEquals(ms(20 * 20), c.metrics("AGENT").overTalk()); // 20-30 and 50-60
        assertEquals(ms(20 * 20), c.metrics("CUSTOMER").overTalk());
    }

    static boolean[] run(int from, int to, int length) {
        boolean[] out = new boolean[length];
        for (int i = from; i < to; i++) {
            out[i] = true;
        }
        return out;
    }

    static boolean[] or(boolean[] a, boolean[] b) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] || b[i];
        }
        return out;
    }

    @Test
    void twoMonoStreamsAreAlignedOnCaptureTimeAndMayLagEachOther() {
        // the customer's stream began 1 s (50 frames) after the agent's, and its windows arrive 1 s
        // later
        Conversation c = conversation();
        boolean[] agent = or(run(0, 50, 150), run(100, 150, 150)); // 0-1 s and 2-3 s of call time
        boolean[] customer = run(25, 75, 100); // 1.5-2.5 s of call time
        c.add("AGENT", ORIGIN, new ActivityFrames(0, agent));
        c.add("CUSTOMER", ORIGIN + 1000, new ActivityFrames(0, customer));
        c.end("AGENT");
        c.end("CUSTOMER");
        // over-talk 2.0-2.5 s; turns: agent at 0, customer at 1.5 s, agent again at 2.5 s (the
        // customer spoke
        // alone from 1.5 to 2.0 s)
        assertEquals(metrics(2000, 1000, 500, 2), c.metrics("AGENT"));
        assertEquals(metrics(1000, 1000, 500, 1), c.metrics("CUSTOMER"));
    }

    @Test
    void originsHalfAFrameApartAreAlignedToTheNearestFrame() {
        Conversation c = conversation();
        c.add("AGENT", ORIGIN, new ActivityFrames(0, run(0, 10, 20)));
        c.add(
                "CUSTOMER",
                ORIGIN + 9,
                new ActivityFrames(0, run(5, 20, 20))); // slot 0 (9 ms rounds down)
        c.end("AGENT");
        c.end("CUSTOMER");
        assertEquals(ms(5 * 20), c.metrics("AGENT").overTalk());
    }

    @Test
    void aSpeakerLaggingByMoreThanTheLagIsMergedAsNotTalking() {
        Conversation c = conversation(); // lag 2 s = 128 frames
        c.add(
                "AGENT",
                ORIGIN,
                new ActivityFrames(0, run(0, 200, 200))); // 4 s, customer has no audio yet
        // the oldest 200 - 128 = 72 frames were merged with the customer as not talking: the
        // agent's turn is counted
        assertEquals(1, c.metrics("AGENT").turns());
        c.add(
                "CUSTOMER",
                ORIGIN,
                new ActivityFrames(0, run(0, 200, 200))); // talks throughout, too late for 0-72
        c.end("AGENT");
        c.end("CUSTOMER");
        assertEquals(ms(4000), c.metrics("CUSTOMER").talk()); // talk and silence count all the same
        assertEquals(ms((200 - 72) * 20), c.metrics("CUSTOMER").overTalk());
        assertEquals(0, c.metrics("CUSTOMER").turns()); // never alone
    }

    @Test
    void framesContinueWhereTheyEndedSkippingRepeatsAndFillingHolesWithNonSpeech() {
        Conversation c = conversation();
        c.add("AGENT", ORIGIN, new ActivityFrames(0, bits("1111")));
        c.add("AGENT", ORIGIN, new ActivityFrames(2, bits("1111"))); // frames 2, 3 again: skipped
        c.add(
                "AGENT",
                ORIGIN,
                new ActivityFrames(16, bits("1"))); // frames 6-15 missing: non-speech
        c.end("AGENT");
        assertEquals(metrics(7 * 20, 10 * 20, 0, 1), c.metrics("AGENT"));
        Conversation jumping = conversation();
        jumping.add("AGENT", ORIGIN, new ActivityFrames(0, bits("1")));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        jumping.add(
                                "AGENT",
                                ORIGIN,
                                new ActivityFrames(Conversation.MAX_FILLED_FRAMES + 2, bits("1"))));
    }

    @Test
    void theStateSurvivesEncodingAtAnyPoint() {
        String customer = "1111100000000111111111100000000000001111111111111000000";
        String agent = "0000000011111111111000000000111111111110000000000111111";
        Conversation straight = conversation();
        Conversation stored = conversation();
        for (int at = 0; at < customer.length(); at += 7) {
            straight.add("CUSTOMER", ORIGIN, slice(customer, at, 7));
            straight.add("AGENT", ORIGIN, slice(agent, at, 7));
            stored = Conversation.decode(stored.encode());
            stored.add("CUSTOMER", ORIGIN, slice(customer, at, 7));
            stored = Conversation.decode(stored.encode());
            stored.add("AGENT", ORIGIN, slice(agent, at, 7));
            assertArrayEquals(straight.encode(), stored.encode());
        }
        straight.end("CUSTOMER");
        straight.end("AGENT");
        stored = Conversation.decode(stored.encode());
        stored.end("CUSTOMER");
        stored = Conversation.decode(stored.encode());
        stored.end("AGENT");
        for (String speaker : PARTIES) {
            assertEquals(straight.metrics(speaker), stored.metrics(speaker));
        }
        assertTrue(stored.finished());
        // fixed size: two speakers at 128 frames of lag
        assertTrue(stored.encode().length < 300, stored.encode().length + " bytes");
    }

    @Test
    void theDefaultStateOfAgentAndCustomerTakes310Bytes() {
        Conversation c = new Conversation(ConversationRules.defaults(), FRAME, PARTIES);
        c.add("AGENT", ORIGIN, new ActivityFrames(0, run(0, 400, 700)));
        c.add("CUSTOMER", ORIGIN, new ActivityFrames(0, run(300, 600, 700)));
        assertEquals(310, c.encode().length);
    }

    @Test
    void unreadableStateIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Conversation.decode(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Conversation.decode(new byte[] {9}));
        byte[] valid = conversation().encode();
        assertThrows(
                IllegalArgumentException.class,
                () -> Conversation.decode(java.util.Arrays.copyOf(valid, valid.length - 1)));
    }

    @Test
    void rulesAreChecked() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new ConversationRules(Duration.ofMillis(-1), Duration.ofSeconds(1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ConversationRules(Duration.ZERO, Duration.ofMinutes(3)));
        assertEquals(15, ConversationRules.defaults().hangoverFrames(FRAME));
        assertEquals(512, ConversationRules.defaults().lagFrames(FRAME));
    }
}
