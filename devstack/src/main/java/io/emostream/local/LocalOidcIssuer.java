package io.emostream.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The smallest OpenID Connect provider Apicurio Registry 2.x can authenticate against, on loopback, for a registry
 * with HTTP basic authentication. Apicurio 2.x has no user list of its own: with {@code AUTH_ENABLED} and
 * {@code CLIENT_CREDENTIALS_BASIC_AUTH_ENABLED} it takes the basic-auth user and password as an OAuth client id and
 * secret, asks the OIDC server's token endpoint for a token (client-credentials grant) and verifies that token
 * against the server's keys. In production that server is Keycloak or another identity provider; here it is this
 * class: discovery document, JWKS (one RSA key made at start) and a token endpoint that knows the given clients
 * and answers anyone else 401.
 */
public final class LocalOidcIssuer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REALM_PATH = "/realms/emostream";
    private static final String KEY_ID = "local-1";
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

    private final HttpServer server;
    private final Map<String, String> secretsByClient;
    private final KeyPair keys;
    private final String issuer;

    private LocalOidcIssuer(HttpServer server, Map<String, String> secretsByClient, KeyPair keys) {
        this.server = server;
        this.secretsByClient = Map.copyOf(secretsByClient);
        this.keys = keys;
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + REALM_PATH;
    }

    /** Starts on a free loopback port, knowing {@code secretsByClient} (client id, i.e. user, to secret). */
    public static LocalOidcIssuer start(Map<String, String> secretsByClient) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            LocalOidcIssuer issuer =
                    new LocalOidcIssuer(server, secretsByClient, generator.generateKeyPair());
            server.createContext(REALM_PATH, issuer::answer);
            server.start();
            return issuer;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the local OIDC issuer", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No RSA key generator", e);
        }
    }

    /** The issuer, also the base of every endpoint (Quarkus' {@code quarkus.oidc.auth-server-url}). */
    public String issuerUrl() {
        return issuer;
    }

    /** The token endpoint (Apicurio's {@code TOKEN_ENDPOINT}). */
    public String tokenEndpoint() {
        return issuer + "/protocol/openid-connect/token";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(REALM_PATH.length());
            while (path.endsWith("/")) {
                path =
                        path.substring(
                                0, path.length() - 1); // Apicurio's client asks for ".../token/"
            }
            switch (path) {
                case "/.well-known/openid-configuration" -> {
                    ObjectNode discovery =
                            JSON.createObjectNode()
                                    .put("issuer", issuer)
                                    .put("token_endpoint", tokenEndpoint())
                                    .put("jwks_uri", issuer + "/protocol/openid-connect/certs")
                                    .put(
                                            "authorization_endpoint",
                                            issuer + "/protocol/openid-connect/auth");
                    discovery.putArray("id_token_signing_alg_values_supported").add("RS256");
                    discovery.putArray("grant_types_supported").add("client_credentials");
                    reply(exchange, 200, discovery.toString());
                }
                case "/protocol/openid-connect/certs" -> {
                    RSAPublicKey key = (RSAPublicKey) keys.getPublic();
                    ObjectNode jwks = JSON.createObjectNode();
                    jwks.putArray("keys")
                            .addObject()
                            .put("kty", "RSA")
                            .put("kid", KEY_ID)
                            .put("use", "sig")
                            .put("alg", "RS256")
                            .put("n", base64Url(unsigned(key.getModulus())))
                            .put("e", base64Url(unsigned(key.getPublicExponent())));
                    reply(exchange, 200, jwks.toString());
                }
                case "/protocol/openid-connect/token" -> token(exchange);
                default ->
                        reply(
                                exchange,
                                404,
                                JSON.createObjectNode()
                                        .put("error", "not_found")
                                        .put("path", exchange.getRequestURI().getPath())
                                        .toString());
            }
        } catch (RuntimeException e) {
            reply(exchange, 500, "{\"error\":\"server_error\"}");
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form =
                form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String client = form.get("client_id");
        String secret = form.get("client_secret");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Basic ")) {
            String[] pair =
                    new String(
                                    Base64.getDecoder().decode(authorization.substring(6).strip()),
                                    StandardCharsets.UTF_8)
                            .split(":", 2);
            if (pair.length == 2) {
                client = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
                secret = URLDecoder.decode(pair[1], StandardCharsets.UTF_8);
            }
        }
        if (!"POST".equals(exchange.getRequestMethod())
                || !"client_credentials".equals(form.get("grant_type"))) {
            reply(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
            return;
        }
        if (client == null || secret == null || !secret.equals(secretsByClient.get(client))) {
            reply(
                    exchange,
                    401,
                    "{\"error\":\"unauthorized_client\",\"error_description\":\"Invalid client or client secret\"}");
            return;
        }
        Instant now = Instant.now();
        ObjectNode claims =
                JSON.createObjectNode()
                        .put("iss", issuer)
                        .put("sub", client)
                        .put("azp", client)
                        .put("preferred_username", client)
                        .put("typ", "Bearer")
                        .put("iat", now.getEpochSecond())
                        .put("exp", now.plus(TOKEN_LIFETIME).getEpochSecond())
                        .put("jti", UUID.randomUUID().toString());
        ObjectNode answer =
                JSON.createObjectNode()
                        .put("access_token", sign(claims))
                        .put("token_type", "Bearer")
                        .put("expires_in", TOKEN_LIFETIME.toSeconds());
        reply(exchange, 200, answer.toString());
    }

    private String sign(ObjectNode claims) {
        String header =
                base64Url(
                        JSON.createObjectNode()
                                .put("alg", "RS256")
                                .put("typ", "JWT")
                                .put("kid", KEY_ID)
                                .toString()
                                .getBytes(StandardCharsets.UTF_8));
        String body = base64Url(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(keys.getPrivate());
            signature.update((header + "." + body).getBytes(StandardCharsets.US_ASCII));
            return header + "." + body + "." + base64Url(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not sign a token", e);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> values = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0
                ? Arrays.copyOfRange(bytes, 1, bytes.length)
                : bytes;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
