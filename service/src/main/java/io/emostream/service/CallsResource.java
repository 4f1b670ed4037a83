package io.emostream.service;

import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.SpeakerRole;
import io.emostream.stream.CallStatsQuery;
import io.emostream.stream.SpeakerStreamsQuery;
import io.emostream.stream.TopologySettings;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.jboss.logging.Logger;

/**
 * Interactive queries on the call statistics ({@code emostream-call-stats} store, see {@link CallStatsQuery}).
 * {@code GET /calls} lists the calls held by this instance; {@code GET /calls/{id}/stats} answers for any call:
 * Kafka Streams tells which instance owns the call's partition ({@code queryMetadataForKey}), and a request for a
 * call owned elsewhere is forwarded to that instance's advertised {@code application.server}. A forwarded request
 * carries {@value #FORWARDED_HEADER} and is always answered locally, so metadata that briefly disagrees between
 * instances during a rebalance cannot make requests bounce.
 */
@Path("/calls")
@Produces(MediaType.APPLICATION_JSON)
public class CallsResource {

    static final String FORWARDED_HEADER = "X-Emostream-Forwarded";
    private static final Logger LOG = Logger.getLogger(CallsResource.class);

    private final KafkaStreams streams;
    private final String storeName;
    private final HostInfo self;
    private final EmostreamConfig config;
    private final HttpClient httpClient;

    @Inject
    public CallsResource(KafkaStreams streams, EmostreamConfig config) {
        this.streams = streams;
        this.config = config;
        this.storeName = TopologySettings.CALL_STATS_STORE;
        this.self = HostInfo.buildFromEndpoint(config.interactiveQueries().advertisedEndpoint());
        this.httpClient =
                HttpClient.newBuilder()
                        .connectTimeout(config.interactiveQueries().forwardTimeout())
                        .build();
    }

    /**
     * Calls on this instance, from their first accepted chunk: id, speakers, windows so far, and whether every
     * speaker's stream has ended.
     */
    @GET
    public Response localCalls() {
        Response notRunning = unlessQueryable();
        if (notRunning != null) {
            return notRunning;
        }
        CallStatsQuery query;
        Map<String, List<SpeakerRole>> inProgress;
        try {
            query = CallStatsQuery.of(streams, storeName);
            inProgress = SpeakerStreamsQuery.of(streams).inProgress();
        } catch (InvalidStateStoreException | IllegalStateException notReady) {
            return unavailable("call statistics are not queryable yet: " + notReady.getMessage());
        }
        // A call is listed from its first accepted chunk (stream state), with statistics from its
        // first window.
        SortedSet<String> callIds = new TreeSet<>(query.callIds());
        callIds.addAll(inProgress.keySet());
        List<Map<String, Object>> calls = new ArrayList<>();
        for (String callId : callIds) {
            List<CallEmotionStats> stats = query.stats(callId);
            List<SpeakerRole> streaming = inProgress.getOrDefault(callId, List.of());
            SortedSet<String> speakers = new TreeSet<>();
            stats.forEach(s -> speakers.add(s.getSpeaker().name()));
            streaming.forEach(speaker -> speakers.add(speaker.name()));
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("callId", callId);
            call.put("speakers", List.copyOf(speakers));
            call.put(
                    "final",
                    !stats.isEmpty()
                            && streaming.isEmpty()
                            && stats.stream().allMatch(CallEmotionStats::getFinal$));
            call.put("windows", stats.stream().mapToLong(CallEmotionStats::getWindowsTotal).sum());
            call.put("escalation", stats.stream().anyMatch(CallEmotionStats::getEscalation));
            calls.add(call);
        }
        return Response.ok(Map.of("instance", self.host() + ":" + self.port(), "calls", calls))
                .build();
    }

    /** Latest statistics of every speaker of a call, from whichever instance owns it; 404 when unknown. */
    @GET
    @Path("/{callId}/stats")
    public Response callStats(
            @PathParam("callId") String callId,
            @HeaderParam(FORWARDED_HEADER) String forwardedBy,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Response notRunning = unlessQueryable();
        if (notRunning != null) {
            return notRunning;
        }
        if (forwardedBy == null) {
            KeyQueryMetadata owner;
            try {
                owner = streams.queryMetadataForKey(storeName, callId, new StringSerializer());
            } catch (InvalidStateStoreException | IllegalStateException notReady) {
                // Kafka Streams left RUNNING/REBALANCING between the check above and this call.
                return unavailable(
                        "Kafka Streams is " + streams.state() + ": " + notReady.getMessage());
            }
            if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
                return unavailable(
                        "the owner of call " + callId + " is not known yet (rebalancing)");
            }
            if (!self.equals(owner.activeHost())) {
                return forward(callId, owner.activeHost(), authorization);
            }
        }
        try {
            List<CallEmotionStats> stats = CallStatsQuery.of(streams, storeName).stats(callId);
            if (stats.isEmpty()) {
                return Response.status(Response.Status.NOT_FOUND)
                        .entity(
                                Map.of(
                                        "error",
                                        "no statistics for call "
                                                + callId
                                                + " (unknown, not started, or ended more than one inactivity timeout ago)"))
                        .build();
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("callId", callId);
            body.put("servedBy", self.host() + ":" + self.port());
            body.put("speakers", stats.stream().map(AvroJson::toMap).toList());
            return Response.ok(body).build();
        } catch (InvalidStateStoreException | IllegalStateException notReady) {
            return unavailable("call statistics are not queryable yet: " + notReady.getMessage());
        }
    }

    /**
     * 503 unless Kafka Streams is RUNNING or REBALANCING: while it is starting (CREATED), in ERROR or shutting down,
     * its query methods throw (StreamsNotStartedException, IllegalStateException), which used to answer 500.
     */
    private Response unlessQueryable() {
        return unlessQueryable(streams, "call statistics");
    }

    /** 503 naming {@code what} unless {@code streams} is RUNNING or REBALANCING; null when it may be queried. */
    static Response unlessQueryable(KafkaStreams streams, String what) {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING) {
            return null;
        }
        return unavailable("Kafka Streams is " + state + ": " + what + " cannot be queried now");
    }

    /** Forwards the query, with the caller's credentials: the owner checks them as this instance did. */
    private Response forward(String callId, HostInfo owner, String authorization) {
        URI uri;
        try {
            uri =
                    new URI(
                            "http",
                            null,
                            owner.host(),
                            owner.port(),
                            "/calls/" + callId + "/stats",
                            null,
                            null);
        } catch (URISyntaxException e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "call id cannot be forwarded: " + e.getMessage()))
                    .build();
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .timeout(config.interactiveQueries().forwardTimeout())
                        .header(FORWARDED_HEADER, self.host() + ":" + self.port())
                        .header("Accept", MediaType.APPLICATION_JSON);
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        try {
            HttpResponse<String> response =
                    httpClient.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            return Response.status(response.statusCode())
                    .entity(response.body())
                    .type(MediaType.APPLICATION_JSON)
                    .build();
        } catch (IOException e) {
            LOG.warnf(
                    "Forwarding stats query for call %s to %s failed: %s",
                    callId, uri, e.toString());
            return Response.status(Response.Status.BAD_GATEWAY)
                    .entity(
                            Map.of(
                                    "error",
                                    "owner "
                                            + owner.host()
                                            + ":"
                                            + owner.port()
                                            + " of call "
                                            + callId
                                            + " did not answer: "
                                            + e.getMessage()))
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("interrupted while forwarding");
        }
    }

    /** 503 with {@code Retry-After: 1} and the message as {@code error}. */
    static Response unavailable(String message) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header("Retry-After", "1")
                .entity(Map.of("error", message))
                .build();
    }
}
