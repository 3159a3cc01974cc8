package dev.mcu.sip;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which web pages may open SIP over WebSocket to us, judged by the upgrade's {@code Origin}
 * header (a browser always sends it, and a page cannot forge it). Without this check any web page
 * a user visits could place calls from their browser. A client without an Origin is not a
 * browser page and is let in (a phone, a test client). Immutable.
 *
 * <p>Either an explicit list ({@code "https://meet.example.com"}, {@code "*"} for any), or the
 * server's own pages: an Origin whose host is the host the WebSocket was dialled on (its
 * {@code Host} header) and whose scheme and port are those of the join page ({@code http} on
 * pagePort, {@code https} on securePagePort).
 */
public final class WebSocketOrigins {
    /** Every page may connect (the SIP layer's default when nobody said which pages are ours). */
    public static final WebSocketOrigins ANY = new WebSocketOrigins(Set.of("*"), 0, 0);

    private final Set<String> allowed;     // normalised "scheme://host[:port]", or "*"
    private final int pagePort;            // 0: no http page
    private final int securePagePort;      // 0: no https page

    private WebSocketOrigins(Set<String> allowed, int pagePort, int securePagePort) {
        this.allowed = allowed;
        this.pagePort = pagePort;
        this.securePagePort = securePagePort;
    }

    /** Exactly these origins ({@code scheme://host[:port]}; {@code *} = any). */
    public static WebSocketOrigins only(List<String> origins) {
        return new WebSocketOrigins(Set.copyOf(origins.stream().map(WebSocketOrigins::normalise).toList()), 0, 0);
    }

    /** The server's own join page: http on {@code pagePort}, https on {@code securePagePort} (0 = off). */
    public static WebSocketOrigins ownPages(int pagePort, int securePagePort) {
        return new WebSocketOrigins(Set.of(), pagePort, securePagePort);
    }

    /**
     * @param origin the upgrade's Origin header, null when it had none
     * @param host   the upgrade's Host header, null when it had none
     */
    public boolean allows(String origin, String host) {
        if (origin == null || allowed.contains("*")) {
            return true;
        }
        if (!allowed.isEmpty()) {
            return allowed.contains(normalise(origin));
        }
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (Exception e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null || host == null) {
            return false;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        boolean ourPage = (scheme.equals("http") && pagePort > 0 && port == pagePort)
                || (scheme.equals("https") && securePagePort > 0 && port == securePagePort);
        return ourPage && uri.getHost().equalsIgnoreCase(hostWithoutPort(host));
    }

    private static String hostWithoutPort(String host) {
        String h = host.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.lastIndexOf(':');
        return colon > 0 ? h.substring(0, colon) : h;
    }

    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    @Override
    public String toString() {
        if (!allowed.isEmpty()) {
            return String.join(", ", allowed);
        }
        return "the join page (http port " + pagePort + ", https port " + securePagePort + ") on the host dialled";
    }
}
