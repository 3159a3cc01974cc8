package dev.mcu.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.Dialog;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * One call's RFC 4028 session timer: the interval the 2xx of an INVITE, re-INVITE or UPDATE agreed
 * (or a 422 when it is below our minimum), the hang-up of a caller that should have refreshed and did
 * not, and our own refreshes (an UPDATE without a body when the caller allows it, else a re-INVITE
 * repeating our last SDP) when we are the refresher.
 *
 * <p>Threads: {@link #agree} on a SIP thread under the call's lock; {@link #check} on the application's
 * timer thread; {@link #onRefreshAnswered} on a SIP stack thread. Each field is volatile and written
 * by one of them at a time.
 */
final class CallSessionTimer {
    private static final Logger log = LoggerFactory.getLogger(CallSessionTimer.class);

    private final SipCall call;            // borrowed: the call this timer may hang up
    private final SipMessages sip;         // borrowed
    private volatile SessionTimerRules.Timer timer;
    private volatile long refreshedNanos;
    private volatile boolean refreshInFlight;
    private volatile boolean remoteAllowsUpdate;

    CallSessionTimer(SipCall call, SipMessages sip) {
        this.call = call;
        this.sip = sip;
    }

    /**
     * The session timer a 2xx to an INVITE, re-INVITE or UPDATE sets up (or turns off), with its
     * headers added; or a 422 instead when the interval asked for is below our minimum.
     */
    Response agree(Request request, Response ok) {
        if (request.getMethod().equals(Request.INVITE)) {
            remoteAllowsUpdate = allows(request, Request.UPDATE);
        }
        SessionTimerRules.Outcome outcome = sip.config.sessionTimers().decide(SessionTimerRules.Ask.of(request));
        if (outcome instanceof SessionTimerRules.TooSmall tooSmall) {
            return sip.sessionIntervalTooSmall(request, tooSmall.minSe());
        }
        if (outcome instanceof SessionTimerRules.Timer timer) {
            sip.addSessionTimer(ok, timer);
            refreshedNanos = System.nanoTime();
            if (this.timer == null || !this.timer.equals(timer)) {
                log.info("{} in room '{}': session timer {} s, refreshed by {}", caller(), call.room(), timer.seconds(),
                        timer.remoteRefreshes() ? "the caller" : "us");
            }
            this.timer = timer;
        } else {
            this.timer = null;
        }
        return ok;
    }

    private static boolean allows(Request request, String method) {
        java.util.ListIterator<?> it = request.getHeaders(javax.sip.header.AllowHeader.NAME);
        while (it != null && it.hasNext()) {
            if (method.equalsIgnoreCase(((javax.sip.header.AllowHeader) it.next()).getMethod())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Called about once a second (the application's timer thread): ends a call whose caller should
     * have refreshed its session and did not, and refreshes the ones we refresh.
     */
    void check(long nowNanos) {
        SessionTimerRules.Timer timer = this.timer;
        if (timer == null || !call.isActive()) {
            return;
        }
        long sinceMillis = (nowNanos - refreshedNanos) / 1_000_000;
        if (timer.remoteRefreshes() ? sinceMillis >= timer.expiryMillis() : sinceMillis >= timer.seconds() * 1000L) {
            log.info("{} in room '{}': its session was not refreshed within {} s; hanging up (RFC 4028 session timer)",
                    caller(), call.room(), timer.seconds());
            call.hangup("its session timer expired");
        } else if (!timer.remoteRefreshes() && !refreshInFlight && sinceMillis >= timer.refreshMillis()) {
            sendRefresh(timer);
        }
    }

    /** We are the refresher: an UPDATE without a body when the caller allows it, else a re-INVITE repeating our SDP. */
    private void sendRefresh(SessionTimerRules.Timer timer) {
        Dialog d = call.activeDialog();
        if (d == null) {
            return;
        }
        try {
            String lastLocalSdp = call.lastLocalSdp();
            boolean update = remoteAllowsUpdate || lastLocalSdp == null;
            Request refresh = d.createRequest(update ? Request.UPDATE : Request.INVITE);
            refresh.setHeader(sip.contact(call.room(), refresh));
            sip.addSessionTimer(refresh, timer);
            if (!update) {
                sip.setSdp(refresh, lastLocalSdp);
            }
            refreshInFlight = true;
            d.sendRequest(sip.provider.getNewClientTransaction(refresh));
        } catch (Exception e) {
            refreshInFlight = false;
            log.info("{} in room '{}': could not refresh the session ({}); hanging up", caller(), call.room(), e.toString());
            call.hangup("its session refresh failed");
        }
    }

    /** The answer to our refresh (on a SIP stack thread): a 2xx restarts the interval, a refusal ends the call. */
    void onRefreshAnswered(Dialog d, Response response) {
        int status = response.getStatusCode();
        if (status < 200) {
            return;
        }
        String method = ((javax.sip.header.CSeqHeader) response.getHeader(javax.sip.header.CSeqHeader.NAME)).getMethod();
        if (status < 300) {
            if (method.equals(Request.INVITE)) {
                try {
                    long cseq = ((javax.sip.header.CSeqHeader) response.getHeader(javax.sip.header.CSeqHeader.NAME)).getSeqNumber();
                    d.sendAck(d.createAck(cseq));
                } catch (Exception e) {
                    log.debug("could not acknowledge the refresh of {}: {}", caller(), e.toString());
                }
            }
            if (refreshInFlight) {
                refreshedNanos = System.nanoTime();
                refreshInFlight = false;
            }
            return;
        }
        if (refreshInFlight) {
            refreshInFlight = false;
            log.info("{} in room '{}': the session refresh got {} {}; hanging up", caller(), call.room(), status,
                    response.getReasonPhrase());
            call.hangup("its session refresh failed (" + status + ")");
        }
    }

    private String caller() {
        return call.joinRequest().caller();
    }
}
