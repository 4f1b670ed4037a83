package io.emostream.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The REST API with reading protected ({@code EMOSTREAM_API_READ_POLICY=authenticated}) and one user: every read
 * endpoint answers 401 without credentials and serves with them, health stays open for probes, a method that would
 * change state needs a user, and no cross-origin request is allowed (CORS off).
 */
@QuarkusTest
@TestProfile(RestAuthenticationQuarkusTest.ReadNeedsAUser.class)
@QuarkusTestResource(value = LocalKafkaStackResource.class, restrictToAnnotatedClass = true)
class RestAuthenticationQuarkusTest {

    /** Reading requires authentication; one user, {@code supervisor}. */
    public static class ReadNeedsAUser implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.http.auth.permission.read.policy",
                    "authenticated",
                    "quarkus.security.users.embedded.users.supervisor",
                    "s3cret");
        }
    }

    @Test
    void readEndpointsNeedAUser() {
        for (String path :
                new String[] {
                    "/model",
                    "/calls",
                    "/calls/c1/stats",
                    "/stores",
                    "/dashboard/api/calls",
                    "/dashboard/"
                }) {
            given().get(path).then().statusCode(401);
            given().auth()
                    .preemptive()
                    .basic("supervisor", "wrong")
                    .get(path)
                    .then()
                    .statusCode(401);
        }
        given().auth()
                .preemptive()
                .basic("supervisor", "s3cret")
                .get("/model")
                .then()
                .statusCode(200);
        // 200 once Kafka Streams runs, 503 while it starts: either way past authentication
        given().auth()
                .preemptive()
                .basic("supervisor", "s3cret")
                .get("/calls")
                .then()
                .statusCode(anyOf(is(200), is(503)));
    }

    @Test
    void probesStayOpen() {
        // Answered without credentials: 200, or 503 while Kafka Streams is still starting (the
        // extension's liveness check reads its state), never 401
        for (String probe : new String[] {"/q/health/live", "/q/health/ready"}) {
            given().get(probe)
                    .then()
                    .statusCode(anyOf(is(200), is(503)))
                    .body("status", anyOf(is("UP"), is("DOWN")));
        }
    }

    @Test
    void methodsThatWouldChangeStateNeedAUser() {
        given().post("/calls").then().statusCode(401);
        given().delete("/calls/c1/stats").then().statusCode(401);
    }

    @Test
    void corsIsOff() {
        given().header("Origin", "https://elsewhere.example")
                .header("Access-Control-Request-Method", "GET")
                .auth()
                .preemptive()
                .basic("supervisor", "s3cret")
                .options("/model")
                .then()
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://elsewhere.example")
                .auth()
                .preemptive()
                .basic("supervisor", "s3cret")
                .get("/model")
                .then()
                .statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
