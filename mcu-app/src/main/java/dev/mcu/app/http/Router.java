package dev.mcu.app.http;

import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Method + path template ({@code /api/v1/rooms/{room}}) to handler. A path no template matches is
 * 404; a path that matches with another method is 405 with {@code Allow}. Templates are matched in
 * the order they were added, so literal routes go before templated ones of the same shape.
 *
 * <p>Threads: built once at start-up, then read from HTTP worker threads (the route list is
 * not changed after {@link #freeze()}).
 */
public final class Router {
    /** One registered route; {@code summary} is a short phrase for logs and listings. */
    public record Route(String method, String template, Handler handler) {
        List<String> segments() {
            return split(template);
        }
    }

    /** The route that answers a request, with the values of its {@code {name}} segments. */
    public record Match(Route route, Map<String, String> parameters) {
    }

    private final List<Route> routes = new ArrayList<>();
    private volatile boolean frozen;

    public Router add(String method, String template, Handler handler) {
        if (frozen) {
            throw new IllegalStateException("routes are fixed once the server runs");
        }
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("a route template starts with /: " + template);
        }
        routes.add(new Route(method, template, handler));
        return this;
    }

    public Router get(String template, Handler handler) {
        return add("GET", template, handler);
    }

    public Router post(String template, Handler handler) {
        return add("POST", template, handler);
    }

    public Router put(String template, Handler handler) {
        return add("PUT", template, handler);
    }

    public Router delete(String template, Handler handler) {
        return add("DELETE", template, handler);
    }

    void freeze() {
        frozen = true;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * @param rawPath the path as sent, still percent-encoded (so an encoded '/' stays inside its segment)
     * @throws HttpError 404 when no template matches, 405 (with the allowed methods) when only the method differs
     */
    public Match match(String method, String rawPath) {
        List<String> segments = split(rawPath);
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Map<String, String> parameters = bind(route.segments(), segments);
            if (parameters == null) {
                continue;
            }
            boolean head = method.equals("HEAD") && route.method().equals("GET");
            if (route.method().equals(method) || head) {
                return new Match(route, parameters);
            }
            allowed.add(route.method());
        }
        if (allowed.isEmpty()) {
            throw HttpError.notFound("nothing at " + QueryStringDecoder.decodeComponent(rawPath));
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        throw new MethodNotAllowed(method, allowed);
    }

    /** 405 with the methods the path does take. */
    static final class MethodNotAllowed extends RuntimeException {
        final Set<String> allowed;

        MethodNotAllowed(String method, Set<String> allowed) {
            super(method + " is not allowed here; use " + String.join(" or ", allowed), null, false, false);
            this.allowed = allowed;
        }
    }

    private static Map<String, String> bind(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String p = path.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (p.isEmpty()) {
                    return null;
                }
                parameters.put(t.substring(1, t.length() - 1), QueryStringDecoder.decodeComponent(p));
            } else if (!t.equals(p)) {
                return null;
            }
        }
        return parameters;
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/", -1)) {
            out.add(s);
        }
        if (!out.isEmpty() && out.get(0).isEmpty()) {
            out.remove(0);
        }
        return out;
    }
}
