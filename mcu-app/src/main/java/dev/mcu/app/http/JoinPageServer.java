package dev.mcu.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The join page for browsers over HTTP or, with an {@link SSLContext}, HTTPS (the JDK's HTTP
 * server; one instance per scheme): {@code /} is the page, {@code /join.js} and
 * {@code /jssip.min.js} its scripts (from the jar's {@code static/}), {@code /config.json} tells
 * the page the SIP over WebSocket ports (ws and wss) and the HTTPS port. Only GET and HEAD;
 * anything else 405, unknown paths 404.
 *
 * <p>Threads: one small pool of its own serves requests. Owns the server socket and the pool,
 * both released by {@link #close()}.
 */
public final class JoinPageServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JoinPageServer.class);
    private static final Map<String, StaticFile> FILES = Map.of(
            "/", new StaticFile("static/index.html", "text/html; charset=utf-8"),
            "/index.html", new StaticFile("static/index.html", "text/html; charset=utf-8"),
            "/join.js", new StaticFile("static/join.js", "text/javascript; charset=utf-8"),
            "/jssip.min.js", new StaticFile("static/jssip.min.js", "text/javascript; charset=utf-8"));

    private record StaticFile(String resource, String contentType) {
    }

    /**
     * What the page is told in {@code /config.json}; 0 = off.
     *
     * @param wsPort    SIP over WebSocket, for a page loaded over http
     * @param wssPort   SIP over secure WebSocket, for a page loaded over https
     * @param httpsPort the page over https, so a page on plain http can point there
     */
    public record PagePorts(int wsPort, int wssPort, int httpsPort) {
        String toJson() {
            return "{\"wsPort\":" + wsPort + ",\"wssPort\":" + wssPort + ",\"httpsPort\":" + httpsPort + "}";
        }
    }

    private final HttpServer server;      // owned
    private final ExecutorService pool;   // owned
    private final byte[] configJson;
    private final String scheme;

    /**
     * The page over plain HTTP, with SIP over WebSocket only.
     *
     * @param bindAddress   where to listen, e.g. 127.0.0.1
     * @param port          the HTTP port (0 picks a free one; see {@link #port()})
     * @param webSocketPort the port of SIP over WebSocket the page connects to
     * @throws IOException when the port cannot be bound
     */
    public JoinPageServer(String bindAddress, int port, int webSocketPort) throws IOException {
        this(bindAddress, port, null, new PagePorts(webSocketPort, 0, 0));
    }

    /**
     * @param bindAddress where to listen, e.g. 127.0.0.1
     * @param port        the HTTP or HTTPS port (0 picks a free one; see {@link #port()})
     * @param tls         borrowed: HTTPS with this context's certificate; null for plain HTTP
     * @param pagePorts   what {@code /config.json} tells the page
     * @throws IOException when the port cannot be bound
     */
    public JoinPageServer(String bindAddress, int port, SSLContext tls, PagePorts pagePorts) throws IOException {
        this.configJson = pagePorts.toJson().getBytes(StandardCharsets.UTF_8);
        this.scheme = tls == null ? "http" : "https";
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        if (tls == null) {
            this.server = HttpServer.create(address, 16);
        } else {
            HttpsServer https = HttpsServer.create(address, 16);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            this.server = https;
        }
        this.pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "http-join-page");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("Join page on {}://{}:{}/ (SIP over WebSocket: ws port {}, wss port {})", scheme, bindAddress, port(),
                pagePorts.wsPort(), pagePorts.wssPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/config.json")) {
                send(exchange, 200, "application/json", configJson);
                return;
            }
            StaticFile file = FILES.get(path);
            byte[] body = file == null ? null : resource(file.resource());
            if (body == null) {
                send(exchange, 404, "text/plain; charset=utf-8", ("no such page: " + path).getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, file.contentType(), body);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = JoinPageServer.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        LOG.info("Join page on {} port {} stopped", scheme, server.getAddress().getPort());
    }
}
