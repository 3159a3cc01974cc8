package dev.mcu.sip.testing;

import javax.sip.header.Header;
import javax.sip.message.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;

/** A response the test phone received, with the bits tests look at. */
public record PhoneResponse(int status, String reason, Response raw) {

    static PhoneResponse of(Response r) {
        return new PhoneResponse(r.getStatusCode(), r.getReasonPhrase(), r);
    }

    /** The body as text, or null when there is none. */
    public String body() {
        byte[] content = raw.getRawContent();
        return content == null || content.length == 0 ? null : new String(content, StandardCharsets.UTF_8);
    }

    /** Every value of a header, as written on the wire after "Name: ". */
    public List<String> headers(String name) {
        List<String> out = new ArrayList<>();
        ListIterator<?> it = raw.getHeaders(name);
        while (it != null && it.hasNext()) {
            String encoded = ((Header) it.next()).toString().trim();
            out.add(encoded.substring(encoded.indexOf(':') + 1).trim());
        }
        return out;
    }

    public String header(String name) {
        List<String> all = headers(name);
        return all.isEmpty() ? null : String.join(", ", all);
    }
}
