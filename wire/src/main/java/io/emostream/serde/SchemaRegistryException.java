package io.emostream.serde;

/**
 * A schema-registry request failed. Carries the HTTP status and response body as the registry sent them
 * ({@link #httpStatus()} is {@link #NO_RESPONSE} when no response arrived: connection refused, timeout),
 * and the Confluent {@code error_code} when the body had one (e.g. 40401 subject not found, 40403 schema
 * not found, 409 incompatible schema).
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@link #httpStatus()} of a request that got no HTTP response at all. */
    public static final int NO_RESPONSE = -1;

    private final int httpStatus;
    private final int errorCode;
    private final String responseBody;
    private final boolean notAvro;
    private final boolean tlsFailure;

    public SchemaRegistryException(
            String message, int httpStatus, int errorCode, String responseBody, Throwable cause) {
        this(message, httpStatus, errorCode, responseBody, cause, false, false);
    }

    private SchemaRegistryException(
            String message,
            int httpStatus,
            int errorCode,
            String responseBody,
            Throwable cause,
            boolean notAvro,
            boolean tlsFailure) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.responseBody = responseBody == null ? "" : responseBody;
        this.notAvro = notAvro;
        this.tlsFailure = tlsFailure;
    }

    /**
     * The TLS handshake with the registry failed (its certificate is not trusted by the configured truststore, no
     * common protocol, ...): no HTTP answer, but a configuration problem that waiting does not cure, so it is not
     * {@link #isUnavailable()} and is reported at once instead of being retried.
     */
    public static SchemaRegistryException tlsFailure(String message, Throwable cause) {
        return new SchemaRegistryException(message, NO_RESPONSE, -1, null, cause, false, true);
    }

    /** The TLS handshake failed; see {@link #tlsFailure}. */
    public boolean isTlsFailure() {
        return tlsFailure;
    }

    /** This exception with {@code note} appended to its message (same status, body and cause). */
    SchemaRegistryException withNote(String note) {
        return new SchemaRegistryException(
                getMessage() + note,
                httpStatus,
                errorCode,
                responseBody,
                this,
                notAvro,
                tlsFailure);
    }

    /**
     * The registry answered with a schema that is not Avro ({@code schemaType} JSON, PROTOBUF, ...) or does not
     * parse as Avro: a permanent answer about that schema, not a registry failure.
     */
    public static SchemaRegistryException notAvro(
            String message, String responseBody, Throwable cause) {
        return new SchemaRegistryException(message, 200, -1, responseBody, cause, true, false);
    }

    /** The answer named a schema that is not (valid) Avro; see {@link #notAvro}. */
    public boolean isNotAvro() {
        return notAvro;
    }

    /**
     * The registry refused this client's credentials (401, 403), or asked it to slow down or timed out (429,
     * 408), or the TLS handshake failed ({@link #isTlsFailure()}): a problem of the client or the registry, not of
     * the requested id.
     */
    public boolean isClientConfigurationError() {
        return tlsFailure
                || httpStatus == 401
                || httpStatus == 403
                || httpStatus == 408
                || httpStatus == 429;
    }

    /**
     * Worth asking again after a pause: no answer (other than a failed TLS handshake), a server error, a request
     * timeout or a rate limit (5xx, 408, 429). Refused credentials and answers about the request are not.
     */
    public boolean isRetriable() {
        return isUnavailable() || httpStatus == 408 || httpStatus == 429;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent error code from the body, or -1 when the body had none. */
    public int errorCode() {
        return errorCode;
    }

    public String responseBody() {
        return responseBody;
    }

    /** The registry answered 404: the subject, version or schema id does not exist. */
    public boolean isNotFound() {
        return httpStatus == 404;
    }

    /** The registry gave no answer or a server error: the request may succeed later. */
    public boolean isUnavailable() {
        return (httpStatus == NO_RESPONSE && !tlsFailure) || httpStatus >= 500;
    }

    /** The registry rejected a schema as incompatible with the subject's compatibility rule (HTTP 409). */
    public boolean isIncompatible() {
        return httpStatus == 409;
    }
}
