package dev.mcu.sip;

import gov.nist.javax.sip.header.extensions.MinSE;
import gov.nist.javax.sip.header.extensions.SessionExpiresHeader;

import javax.sip.header.Header;
import javax.sip.header.SupportedHeader;
import javax.sip.message.Request;
import java.util.ListIterator;
import java.util.Locale;

/**
 * RFC 4028 session timers as the answering side (UAS) applies them to an INVITE, re-INVITE or
 * UPDATE: whether the interval asked for is long enough (else 422 with our Min-SE), how long the
 * session lasts without a refresh, and who refreshes it. Only when the caller (or a proxy on the
 * way) asked with Session-Expires: a phone that did not ask gets no timer. Pure and immutable;
 * any thread.
 *
 * @param maxSeconds the longest interval we agree to (a longer ask is shortened to it)
 * @param minSeconds the shortest we accept (RFC 4028 says 90; a shorter ask gets 422)
 */
public record SessionTimerRules(int maxSeconds, int minSeconds) {
    /** RFC 4028's defaults: 30 minutes, and the 90 s floor. */
    public static final SessionTimerRules DEFAULT = new SessionTimerRules(1800, 90);

    public SessionTimerRules {
        if (minSeconds < 1 || maxSeconds < minSeconds) {
            throw new IllegalArgumentException("session timers need 1 <= min (" + minSeconds + ") <= max (" + maxSeconds + ")");
        }
    }

    /** What a request asked for: Session-Expires (and its refresher), Min-SE, and Supported: timer. */
    record Ask(int sessionExpires, String refresher, int minSe, boolean supportsTimer) {
        static final int NONE = -1;

        static Ask of(Request request) {
            int expires = NONE;
            String refresher = null;
            Header se = request.getHeader(SessionExpiresHeader.NAME);
            if (se instanceof SessionExpiresHeader s) {
                expires = s.getExpires();
                refresher = s.getRefresher() == null ? null : s.getRefresher().toLowerCase(Locale.ROOT);
            }
            int minSe = request.getHeader(MinSE.NAME) instanceof MinSE m ? m.getExpires() : NONE;
            boolean timer = false;
            ListIterator<?> supported = request.getHeaders(SupportedHeader.NAME);
            while (supported != null && supported.hasNext()) {
                if ("timer".equalsIgnoreCase(((SupportedHeader) supported.next()).getOptionTag())) {
                    timer = true;
                }
            }
            return new Ask(expires, refresher, minSe, timer);
        }
    }

    /** The answer to an {@link Ask}. */
    sealed interface Outcome permits NoTimer, TooSmall, Timer {
    }

    /** Nobody asked for a session timer. */
    record NoTimer() implements Outcome {
    }

    /** 422 Session Interval Too Small, with this Min-SE. */
    record TooSmall(int minSe) implements Outcome {
    }

    /**
     * The session lasts {@code seconds} after each refresh.
     *
     * @param remoteRefreshes the caller refreshes (refresher=uac) and we end the call when it does
     *                        not; else we refresh (refresher=uas)
     * @param requireTimer    the caller supports timers: our 2xx carries Require: timer
     */
    record Timer(int seconds, boolean remoteRefreshes, boolean requireTimer) implements Outcome {
        String refresher() {
            return remoteRefreshes ? "uac" : "uas";
        }

        /**
         * When the side that does not refresh gives up: RFC 4028 §10, the interval minus the
         * smaller of 32 s and a third of it.
         */
        long expiryMillis() {
            return seconds * 1000L - Math.min(32_000L, seconds * 1000L / 3);
        }

        /** When the refresher refreshes: half the interval (§7.4 and §10). */
        long refreshMillis() {
            return seconds * 1000L / 2;
        }
    }

    Outcome decide(Ask ask) {
        if (ask.sessionExpires() == Ask.NONE) {
            return new NoTimer();
        }
        if (ask.sessionExpires() < minSeconds) {
            return new TooSmall(Math.max(minSeconds, ask.minSe()));
        }
        int floor = Math.max(minSeconds, ask.minSe());
        int seconds = Math.min(ask.sessionExpires(), Math.max(maxSeconds, floor));
        // A caller without timer support cannot refresh for us: then we do (RFC 4028 §9).
        boolean remote = ask.supportsTimer() && !"uas".equals(ask.refresher());
        return new Timer(seconds, remote, ask.supportsTimer());
    }
}
