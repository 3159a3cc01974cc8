package dev.mcu.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a handler sees it: copied out of Netty's buffers, so a handler owns nothing
 * that needs releasing.
 *
 * @param pathParameters values of the route's {@code {name}} segments, percent-decoded
 * @param query          query parameters, first value of each
 * @param headers        lower-case header names, first value of each
 */
public record Request(String method, String path, Map<String, String> pathParameters, Map<String, String> query,
                      Map<String, String> headers, byte[] body, InetAddress remoteAddress, boolean secure) {

    public String pathParameter(String name) {
        String value = pathParameters.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no parameter {" + name + "}");
        }
        return value;
    }

    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(query.get(name));
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * The body as a JSON object; an empty body is an empty object.
     *
     * @throws HttpError 415 for a content type other than JSON, 400 for malformed JSON or a non-object
     */
    public JsonNode jsonBody() {
        if (body.length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        String type = header("content-type").orElse("application/json");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new HttpError(415, "send the body as application/json, not " + type);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw HttpError.badRequest("the body is not valid JSON: " + Json.firstLine(e.getMessage()));
        }
        if (node == null || node instanceof MissingNode || !node.isObject()) {
            throw HttpError.badRequest("the body must be a JSON object, e.g. " + "{\"audio\": true}");
        }
        return node;
    }

    /** Keys of a JSON body that a handler does not know: a typo must not be silently ignored. */
    public static void requireOnlyKeys(JsonNode body, List<String> known) {
        body.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw HttpError.badRequest("unknown key '" + name + "'; known keys: " + String.join(", ", known));
            }
        });
    }
}
