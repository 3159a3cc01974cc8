package dev.mcu.app.http;

/**
 * A request the server refuses, with the HTTP status and the words the user sees in
 * {@code {"error": "..."}}. Thrown by handlers; the dispatcher turns it into the answer.
 */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    public static HttpError notFound(String message) {
        return new HttpError(404, message);
    }
}
