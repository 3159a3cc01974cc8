package dev.mcu.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The browser pages, from the jar's {@code static/} (built by web/): {@code /} is the join page,
 * {@code /join.js} its script (JsSIP bundled in), {@code /app.css} the look it shares with the
 * operators' {@code /dashboard} ({@code /dashboard.js}); {@code /config.json} tells the page the
 * SIP over WebSocket ports (ws and wss) and the HTTPS port. Files are read once, when the routes
 * are added.
 */
public final class StaticPages {
    private StaticPages() {
    }

    /**
     * What the page is told in {@code /config.json}; 0 = off.
     *
     * @param wsPort    SIP over WebSocket, for a page loaded over http
     * @param wssPort   SIP over secure WebSocket, for a page loaded over https
     * @param httpsPort the page over https, so a page on plain http can point there
     */
    public record PagePorts(int wsPort, int wssPort, int httpsPort) {
    }

    public static void addTo(Router router, PagePorts ports) {
        Response index = file("static/index.html", "text/html; charset=utf-8");
        router.get("/", request -> index);
        router.get("/index.html", request -> index);
        router.get("/join.js", constant(file("static/join.js", "text/javascript; charset=utf-8")));
        router.get("/app.css", constant(file("static/app.css", "text/css; charset=utf-8")));
        Response config = Response.json(ports);
        router.get("/config.json", request -> config);
        Response dashboard = optionalFile("static/dashboard.html", "text/html; charset=utf-8");
        if (dashboard != null) {
            router.get("/dashboard", request -> dashboard);
            Response script = optionalFile("static/dashboard.js", "text/javascript; charset=utf-8");
            if (script != null) {
                router.get("/dashboard.js", request -> script);
            }
        }
    }

    private static Handler constant(Response response) {
        return request -> response;
    }

    private static Response file(String resource, String contentType) {
        Response response = optionalFile(resource, contentType);
        if (response == null) {
            throw new IllegalStateException(resource + " is missing from the jar");
        }
        return response;
    }

    private static Response optionalFile(String resource, String contentType) {
        try (InputStream in = StaticPages.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : Response.bytes(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the jar", e);
        }
    }
}
