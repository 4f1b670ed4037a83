/**
 * Conversation metrics of a call, free of Kafka and of any store: per speaker talk and silence (from a
 * {@link io.emostream.conversation.SpeechActivityDetector}'s frame decisions, smoothed into talk spurts with a
 * hangover), over-talk (two speakers talking at once, aligned on capture time) and turns (taking the floor). See
 * {@link io.emostream.conversation.Conversation} for the exact definitions. The caller computes each window's
 * {@link io.emostream.conversation.ActivityFrames} over its new audio, feeds them in, and persists the small
 * per-call state between records.
 */
package io.emostream.conversation;
