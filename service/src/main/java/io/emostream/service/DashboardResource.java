package io.emostream.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emostream.dashboard.DashboardState;
import io.emostream.dashboard.DashboardUpdate;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's API (read-only; the page itself is static, under {@code META-INF/resources/dashboard/}):
 * {@code GET /dashboard/api/calls} and {@code /dashboard/api/calls/{id}} as JSON, and {@code GET
 * /dashboard/api/events}, a server-sent event stream that starts with a {@code snapshot} of every call and then
 * pushes each change as it is read from Kafka. Any instance answers for every call (see {@link DashboardService}).
 * Events and their data: docs/dashboard.md.
 */
@Path("/dashboard/api")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {

    /** How long a browser waits before it reconnects a dropped stream (sent with every event). */
    static final long RECONNECT_MS = 1000;

    private final DashboardService service;
    private final EmostreamConfig config;
    private final ObjectMapper json;

    @Inject
    public DashboardResource(DashboardService service, EmostreamConfig config, ObjectMapper json) {
        this.service = service;
        this.config = config;
        this.json = json;
    }

    /** Every call this instance knows of (all calls of the cluster), most recently started first. */
    @GET
    @Path("/calls")
    public Map<String, Object> calls() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", config.interactiveQueries().advertisedEndpoint());
        body.put("calls", state().calls());
        return body;
    }

    /** One call: per speaker its timeline and latest statistics ({@code final} once ended), and its alerts. */
    @GET
    @Path("/calls/{callId}")
    public Response call(@PathParam("callId") String callId) {
        return state().call(callId)
                .map(c -> Response.ok(c).build())
                .orElseGet(
                        () ->
                                Response.status(Response.Status.NOT_FOUND)
                                        .entity(
                                                Map.of(
                                                        "error",
                                                        "call "
                                                                + callId
                                                                + " is not on the dashboard (never seen, or dropped "
                                                                + config.dashboard().retention()
                                                                + " after its last update)"))
                                        .build());
    }

    /**
     * Live updates: {@code snapshot} first, then {@code window}, {@code stats}, {@code alert}, {@code removed}, and a
     * {@code ping} every keep-alive interval. A client more than {@code emostream.dashboard.client-buffer} updates
     * behind is disconnected; browsers reconnect by themselves and get a fresh snapshot.
     */
    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@Context Sse sse) {
        DashboardState state = state();
        Multi<OutboundSseEvent> updates =
                Multi.createFrom()
                        .<DashboardUpdate>emitter(
                                emitter -> {
                                    DashboardState.Listener listener = emitter::emit;
                                    emitter.onTermination(() -> state.unsubscribe(listener));
                                    state.subscribe(listener);
                                },
                                BackPressureStrategy.ERROR)
                        .onOverflow()
                        .buffer(config.dashboard().clientBuffer())
                        .map(update -> event(sse, update.type(), update.json(this::toJson)));
        Multi<OutboundSseEvent> pings =
                Multi.createFrom()
                        .ticks()
                        .every(config.dashboard().keepAlive())
                        .map(tick -> event(sse, "ping", "{}"));
        return Multi.createBy().merging().streams(updates, pings);
    }

    private static OutboundSseEvent event(Sse sse, String name, String json) {
        return sse.newEventBuilder()
                .name(name)
                .reconnectDelay(RECONNECT_MS)
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, json)
                .build();
    }

    private String toJson(Object data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private DashboardState state() {
        DashboardState state = service.state();
        if (state == null) {
            throw new WebApplicationException(
                    Response.status(Response.Status.SERVICE_UNAVAILABLE)
                            .entity(
                                    Map.of(
                                            "error",
                                            "the dashboard is off (emostream.dashboard.enabled=false)"))
                            .type(MediaType.APPLICATION_JSON)
                            .build());
        }
        return state;
    }
}
