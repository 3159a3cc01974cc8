package dev.mcu.app.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A SIP request written by hand, well-formed to start with, that a test then breaks one piece at a
 * time: drop a header, replace one, add one, set a body, lie about its length. Every instance gets
 * its own branch, tag and Call-ID. Via and Contact say {@code ${phone}}, which {@link dev.mcu.sip.testing.RawSip}
 * replaces with the sending socket's address. Immutable: every change returns a new request.
 */
public final class SipRequestText {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String requestLine;
    private final List<String[]> headers; // {name, value}, in order
    private final String body;
    private final String contentLength;   // null: computed from the body

    private SipRequestText(String requestLine, List<String[]> headers, String body, String contentLength) {
        this.requestLine = requestLine;
        this.headers = headers;
        this.body = body;
        this.contentLength = contentLength;
    }

    /**
     * {@code METHOD sip:user@127.0.0.1:port SIP/2.0} with Via, Max-Forwards, From, To, Call-ID,
     * CSeq and Contact over {@code transport} ("UDP" or "TCP").
     */
    public static SipRequestText of(String method, String user, int serverPort, String transport) {
        long n = SEQUENCE.incrementAndGet();
        String uri = "sip:" + user + "@127.0.0.1:" + serverPort
                + (transport.equalsIgnoreCase("UDP") ? "" : ";transport=" + transport.toLowerCase(Locale.ROOT));
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Via", "SIP/2.0/" + transport.toUpperCase(Locale.ROOT) + " ${phone};branch=z9hG4bK-bad-"
                + n + "-" + System.nanoTime() + ";rport"});
        headers.add(new String[] {"Max-Forwards", "70"});
        headers.add(new String[] {"From", "\"Mallory\" <sip:mallory@127.0.0.1>;tag=bad" + n});
        headers.add(new String[] {"To", "<" + uri + ">"});
        headers.add(new String[] {"Call-ID", "bad-input-" + n + "-" + System.nanoTime() + "@127.0.0.1"});
        headers.add(new String[] {"CSeq", "1 " + method});
        headers.add(new String[] {"Contact", "<sip:mallory@${phone}"
                + (transport.equalsIgnoreCase("UDP") ? "" : ";transport=" + transport.toLowerCase(Locale.ROOT)) + ">"});
        return new SipRequestText(method + " " + uri + " SIP/2.0", headers, "", null);
    }

    public SipRequestText requestLine(String line) {
        return new SipRequestText(line, headers, body, contentLength);
    }

    public SipRequestText without(String name) {
        List<String[]> kept = new ArrayList<>();
        for (String[] h : headers) {
            if (!h[0].equalsIgnoreCase(name)) {
                kept.add(h);
            }
        }
        return new SipRequestText(requestLine, kept, body, contentLength);
    }

    /** Replaces the header's value (or adds the header at the end when absent). */
    public SipRequestText with(String name, String value) {
        List<String[]> changed = new ArrayList<>();
        boolean replaced = false;
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                if (!replaced) {
                    changed.add(new String[] {h[0], value});
                    replaced = true;
                }
            } else {
                changed.add(h);
            }
        }
        if (!replaced) {
            changed.add(new String[] {name, value});
        }
        return new SipRequestText(requestLine, changed, body, contentLength);
    }

    /** A body with its Content-Type. */
    public SipRequestText body(String contentType, String text) {
        return with("Content-Type", contentType).bodyOnly(text);
    }

    private SipRequestText bodyOnly(String text) {
        return new SipRequestText(requestLine, headers, text, contentLength);
    }

    /** Writes this Content-Length instead of the body's real length. */
    public SipRequestText contentLength(String value) {
        return new SipRequestText(requestLine, headers, body, value);
    }

    public String callId() {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase("Call-ID")) {
                return h[1];
            }
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(requestLine).append("\r\n");
        for (String[] h : headers) {
            out.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        String length = contentLength != null ? contentLength
                : String.valueOf(body.getBytes(StandardCharsets.ISO_8859_1).length);
        return out.append("Content-Length: ").append(length).append("\r\n\r\n").append(body).toString();
    }
}
