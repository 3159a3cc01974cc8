package dev.mcu.app.http;

/** Answers one routed request; throws {@link HttpError} to refuse it. Called on an HTTP worker thread. */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;
}
