package dev.mcu.sip;

import dev.mcu.media.Direction;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.sdp.LocalEndpoint;
import dev.mcu.sdp.LocalOrigin;
import dev.mcu.sdp.Negotiation;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sdp.SdpParseException;
import dev.mcu.sdp.SessionDescription;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.WebRtcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One answered call: its dialog, its media transport and the offer/answer state. In-dialog requests
 * arrive on SIP stack threads, {@link #hangup()} on any thread (a media failure comes on the
 * transport-failure executor): state changes happen under the call's lock. The
 * {@link ConferenceHandler} hears of them through the call's {@link CallEventQueue}: started and
 * updated are queued under the lock, in the order the state changed, and ended after the state
 * became ENDED under the lock, so the application always sees started before ended. Its RFC 4028
 * session timer is a {@link CallSessionTimer}; what its transport was told (streams, SDES keys) a
 * {@link CallMedia}.
 */
final class SipCall implements Call {
    private static final Logger log = LoggerFactory.getLogger(SipCall.class);

    enum State { ANSWERED, ACTIVE, ENDED }

    private final JoinRequest join;
    private final MediaTransport transport; // owned: closed in end()
    private final LocalOrigin origin;
    private final SipMessages sip;          // borrowed
    private final SdpNegotiator negotiator; // borrowed
    private final ConferenceHandler handler; // borrowed
    private final Consumer<SipCall> onEnded; // removes the call from the server's registry
    private final Executor events;           // this call's lifecycle events, in order

    private volatile InetSocketAddress signallingPeer; // where the INVITE came from (its connection's far end)
    private final CallMedia media;          // what the transport was told: streams and SDES keys
    private volatile MediaListener listener = MediaListener.NONE;
    private Dialog dialog;
    private State state = State.ANSWERED;
    /** Our offer sent in a 200 OK (INVITE without SDP): the answer comes in the ACK. */
    private SessionDescription pendingOffer;
    private boolean started;
    // RFC 4028 session timer: null when the call has none. Read on the timer tick, set on SIP threads.
    private final CallSessionTimer sessionTimer;
    private volatile String lastLocalSdp;    // what our last answer or offer said: a refresh re-INVITE repeats it
    /** Our answers take none of the caller's media (a webinar attendee); changed by {@link #setViewOnly}. */
    private boolean viewOnly;
    /** While view-only, the audio stream still receives (RFC 4733 DTMF from the phone). Fixed. */
    private final boolean keypadAudio;
    /**
     * A webinar's call (admitted as an attendee, a host or a speaker): its sockets sit on the
     * contributors' event loops exactly while it takes the caller's media. Fixed; a meeting's calls never move.
     */
    private final boolean webinar;
    /** Our re-INVITE's offer while its answer is awaited, else null. */
    private SessionDescription reOffer;
    /** A direction change asked for while an offer was in flight: sent when it settles. */
    private boolean reInviteWanted;

    SipCall(JoinRequest join, MediaTransport transport, LocalOrigin origin, SipMessages sip, SdpNegotiator negotiator,
            ConferenceHandler handler, Consumer<SipCall> onEnded, Executor events, boolean viewOnly,
            boolean keypadAudio, boolean feedsProgram) {
        this.join = join;
        this.transport = transport;
        this.origin = origin;
        this.sip = sip;
        this.negotiator = negotiator;
        this.handler = handler;
        this.onEnded = onEnded;
        this.events = events;
        this.viewOnly = viewOnly;
        this.keypadAudio = keypadAudio;
        this.webinar = viewOnly || feedsProgram;
        this.sessionTimer = new CallSessionTimer(this, sip);
        this.media = new CallMedia(transport);
    }

    @Override public String id() { return join.callId(); }
    @Override public String room() { return join.room(); }
    @Override public JoinRequest joinRequest() { return join; }
    @Override public List<NegotiatedStream> streams() { return media.streams(); }
    @Override public MediaTransport transport() { return transport; }

    @Override
    public void setMediaListener(MediaListener listener) {
        this.listener = listener == null ? MediaListener.NONE : listener;
        transport.setListener(this.listener);
    }

    /** The address and port the INVITE came from: for WS/WSS, the far end of the browser's connection. */
    InetSocketAddress signallingPeer() {
        return signallingPeer;
    }

    void signalledFrom(InetSocketAddress peer) {
        this.signallingPeer = peer;
    }

    LocalEndpoint localEndpoint() {
        return new LocalEndpoint(sip.config.advertisedAddress(), transport::localPort, origin,
                transport.webRtc().map(WebRtcSession::localDescription).orElse(null));
    }

    /** Applies an agreed offer/answer to the transport (limited to what a view-only call takes). */
    void apply(Negotiation agreed) {
        Negotiation negotiation;
        synchronized (this) {
            negotiation = viewOnly ? agreed.viewOnly(keypadAudio) : agreed;
        }
        media.apply(negotiation);
    }

    /** The 200 OK went out (with our answer, or with our offer when {@code offer} is not null). */
    synchronized void answered(Dialog dialog, SessionDescription offer) {
        this.dialog = dialog;
        this.pendingOffer = offer;
        dialog.setApplicationData(this);
    }

    void onAck(Request ack) {
        ClientTransaction reInvite = null;
        boolean start;
        boolean update;
        String failure = null;
        synchronized (this) {
            if (state == State.ENDED) {
                return;
            }
            if (pendingOffer != null) {
                failure = applyAnswerFromAck(ack);
                pendingOffer = null;
            }
            start = failure == null && state == State.ANSWERED;
            update = failure == null && state == State.ACTIVE && ackCarriesAnswer(ack);
            if (start) {
                state = State.ACTIVE;
                started = true;
                events.execute(() -> {
                    log.info("{} joined room '{}' from {} ({})", join.caller(), room(),
                            join.signallingSource().getHostAddress(), CallMedia.describe(media.streams()));
                    handler.onCallStarted(this);
                });
            } else if (update) {
                events.execute(() -> handler.onCallUpdated(this));
            }
            if (reInviteWanted && state == State.ACTIVE && pendingOffer == null && reOffer == null && lastLocalSdp != null) {
                reInvite = prepareReInvite();
            }
        }
        send(reInvite);
        if (failure != null) {
            log.info("{} in room '{}': hanging up, {}", join.caller(), room(), failure);
            hangup("the answer in the ACK was unusable: " + failure);
        }
    }

    private boolean ackCarriesAnswer(Request ack) {
        return ack.getRawContent() != null && ack.getRawContent().length > 0;
    }

    private String applyAnswerFromAck(Request ack) {
        if (!ackCarriesAnswer(ack)) {
            return "the ACK carried no SDP answer to our offer";
        }
        try {
            SessionDescription answer = SessionDescription.parse(new String(ack.getRawContent(), StandardCharsets.UTF_8));
            Negotiation n = negotiator.processAnswer(pendingOffer, answer);
            if (!n.succeeded()) {
                return n.refusalSummary();
            }
            apply(n);
            return null;
        } catch (SdpParseException e) {
            return e.getMessage();
        }
    }

    /** A re-INVITE: hold, resume, new address, port or codec, or (without SDP) a request for our offer. */
    void onReInvite(ServerTransaction st, Request request) {
        Response response;
        synchronized (this) {
            if (state == State.ENDED) {
                sip.send(st, sip.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
                return;
            }
            if (pendingOffer != null) {
                sip.send(st, sip.response(Response.REQUEST_PENDING, request));
                return;
            }
            response = reInviteResponse(request);
            if (response.getStatusCode() == Response.OK) {
                response = withSessionTimer(request, response);
            }
            if (response.getStatusCode() == Response.OK && request.getRawContent() != null
                    && request.getRawContent().length > 0 && started) {
                List<NegotiatedStream> agreed = media.streams();
                events.execute(() -> {
                    log.info("{} in room '{}' changed the call: {}", join.caller(), room(), CallMedia.describe(agreed));
                    handler.onCallUpdated(this);
                });
            }
        }
        sip.send(st, response);
    }

    private Response reInviteResponse(Request request) {
        byte[] body = request.getRawContent();
        if (body == null || body.length == 0) {
            SessionDescription offer = negotiator.offer(localEndpoint());
            pendingOffer = offer;
            Response ok = okWith(request, offer.toString());
            return ok;
        }
        if (!InviteProcessor.isSdp(request)) {
            return sip.response(Response.UNSUPPORTED_MEDIA_TYPE, request);
        }
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(new String(body, StandardCharsets.UTF_8));
        } catch (SdpParseException e) {
            log.info("{} in room '{}' sent a re-INVITE with bad SDP: {}", join.caller(), room(), SipText.loggable(e.getMessage()));
            return sip.responseWithWarning(Response.BAD_REQUEST, request, 399, e.getMessage());
        }
        Negotiation agreed = negotiator.negotiate(offer).keepingLocalKeys(media.localKeys());
        if (!agreed.succeeded()) {
            log.info("{} in room '{}': re-INVITE refused, {}", join.caller(), room(), agreed.refusalSummary());
            return sip.responseWithWarning(Response.NOT_ACCEPTABLE_HERE, request, agreed.warningCode(),
                    agreed.refusalSummary());
        }
        Negotiation negotiation = viewOnly ? agreed.viewOnly(keypadAudio) : agreed;
        apply(negotiation);
        return okWith(request, negotiator.answer(offer, negotiation, localEndpoint()).toString());
    }

    Response okWith(Request request, String sdp) {
        Response ok = sip.response(Response.OK, request);
        ok.setHeader(sip.contact(room(), request));
        sip.setSdp(ok, sdp);
        lastLocalSdp = sdp;
        return ok;
    }

    // ---- RFC 4028 session timers: CallSessionTimer ----

    /** See {@link CallSessionTimer#agree}. */
    Response withSessionTimer(Request request, Response ok) {
        return sessionTimer.agree(request, ok);
    }

    /** See {@link CallSessionTimer#check}: about once a second, on the application's timer thread. */
    void checkSessionTimer(long nowNanos) {
        sessionTimer.check(nowNanos);
    }

    /** See {@link CallSessionTimer#onRefreshAnswered}. */
    void onRefreshAnswered(Dialog d, Response response) {
        sessionTimer.onRefreshAnswered(d, response);
    }

    /** The dialog while the call is active (a refresh goes out on it), else null. */
    synchronized Dialog activeDialog() {
        return state == State.ACTIVE ? dialog : null;
    }

    /** What our last answer or offer said: a refresh re-INVITE repeats it; null before the first. */
    String lastLocalSdp() {
        return lastLocalSdp;
    }

    /** An UPDATE (RFC 3311): a session refresh without a body; with one, an offer answered as a re-INVITE's. */
    void onUpdate(ServerTransaction st, Request request) {
        Response response;
        synchronized (this) {
            if (state == State.ENDED) {
                sip.send(st, sip.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
                return;
            }
            byte[] body = request.getRawContent();
            if (body != null && body.length > 0) {
                if (pendingOffer != null) {
                    sip.send(st, sip.response(Response.REQUEST_PENDING, request));
                    return;
                }
                response = reInviteResponse(request);
                if (response.getStatusCode() == Response.OK && started) {
                    events.execute(() -> handler.onCallUpdated(this));
                }
            } else {
                response = sip.response(Response.OK, request);
                response.setHeader(sip.contact(room(), request));
            }
            if (response.getStatusCode() == Response.OK) {
                response = withSessionTimer(request, response);
            }
        }
        sip.send(st, response);
    }

    /**
     * Takes the caller's media (false: a promoted attendee) or stops taking it (true): a re-INVITE
     * offers our last SDP again with every stream sendrecv, or sendonly, and the phone's answer is
     * applied as any re-INVITE's (the handler hears {@code onCallUpdated}). Browsers renegotiate
     * themselves, so a WebRTC call only changes what we accept from its next offer. A webinar's
     * phone also moves its sockets: to the contributors' event loops when it starts feeding the
     * program, back when it stops ({@link MediaTransport#feedProgram}), before the re-INVITE, so
     * its first packets after the answer are read there.
     */
    @Override
    public boolean setViewOnly(boolean viewOnly) {
        ClientTransaction reInvite;
        synchronized (this) {
            if (this.viewOnly == viewOnly) {
                return false;
            }
            this.viewOnly = viewOnly;
            if (webinar && state != State.ENDED) {
                transport.feedProgram(!viewOnly);   // asynchronous: a few tasks on the event loops
            }
            if (transport.webRtc().isPresent() || state == State.ENDED) {
                return false;
            }
            if (state != State.ACTIVE || pendingOffer != null || reOffer != null || lastLocalSdp == null) {
                reInviteWanted = true;   // sent once the offer in flight settles
                return true;
            }
            reInvite = prepareReInvite();
        }
        return send(reInvite);
    }

    /**
     * Sends a prepared re-INVITE, outside the call's lock (the stack may wait for an earlier INVITE
     * transaction of the dialog to finish); false when there is none or it could not go.
     */
    private boolean send(ClientTransaction reInvite) {
        if (reInvite == null) {
            return false;
        }
        Dialog d;
        synchronized (this) {
            d = dialog;
        }
        try {
            d.sendRequest(reInvite);
            log.info("{} in room '{}': re-INVITE sent, {}", join.caller(), room(),
                    viewOnly() ? "we no longer take its media (attendee)" : "we take its media now (promoted)");
            return true;
        } catch (Exception e) {
            synchronized (this) {
                reOffer = null;
            }
            log.warn("{} in room '{}': could not send a re-INVITE ({}); its media stays as it was", join.caller(), room(),
                    e.toString());
            return false;
        }
    }

    private synchronized boolean viewOnly() {
        return viewOnly;
    }

    /** Under the lock: our re-INVITE with the directions {@link #viewOnly} asks for, or null when it cannot be made. */
    private ClientTransaction prepareReInvite() {
        reInviteWanted = false;
        try {
            SessionDescription offer = SessionDescription.parse(lastLocalSdp);
            offerDirections(offer, viewOnly, keypadAudio);
            origin.stamp(offer);
            Request reInvite = dialog.createRequest(Request.INVITE);
            reInvite.setHeader(sip.contact(room(), reInvite));
            sip.setSdp(reInvite, offer.toString());
            ClientTransaction ct = sip.provider.getNewClientTransaction(reInvite);
            reOffer = offer;
            return ct;
        } catch (Exception e) {
            reOffer = null;
            log.warn("{} in room '{}': could not make a re-INVITE ({}); its media stays as it was", join.caller(), room(),
                    e.toString());
            return null;
        }
    }

    /** Sets the live m-lines of an offer of ours sendrecv, or sendonly when view-only (audio stays sendrecv for a keypad). */
    static void offerDirections(SessionDescription offer, boolean viewOnly, boolean keypadAudio) {
        for (var m : offer.media()) {
            if (!m.isRejected()) {
                boolean audio = m.media().equalsIgnoreCase("audio");
                m.setDirection(viewOnly && !(audio && keypadAudio) ? Direction.SENDONLY : Direction.SENDRECV);
            }
        }
    }

    /** Whether a re-INVITE of ours that changes directions awaits its answer (not a session refresh). */
    synchronized boolean awaitsReInviteAnswer() {
        return reOffer != null;
    }

    /** A final response to our re-INVITE (SIP stack thread): ACK a 2xx and apply its answer. */
    void onReInviteResponse(Response response, Dialog responseDialog) {
        SessionDescription offer;
        synchronized (this) {
            offer = reOffer;
            reOffer = null;
        }
        if (response.getStatusCode() / 100 == 2) {
            try {
                long cseq = ((javax.sip.header.CSeqHeader) response.getHeader(javax.sip.header.CSeqHeader.NAME)).getSeqNumber();
                responseDialog.sendAck(responseDialog.createAck(cseq));
            } catch (Exception e) {
                log.debug("could not ACK {}'s answer: {}", join.caller(), e.toString());
            }
        }
        if (offer == null || state() == State.ENDED) {
            return;
        }
        String failure = null;
        if (response.getStatusCode() / 100 != 2) {
            failure = "the phone answered " + response.getStatusCode() + " " + response.getReasonPhrase();
        } else {
            try {
                byte[] body = response.getRawContent();
                SessionDescription answer = SessionDescription.parse(
                        new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8));
                Negotiation n = negotiator.processAnswer(offer, answer);
                if (n.succeeded()) {
                    synchronized (this) {
                        apply(n);
                        lastLocalSdp = offer.toString();
                        List<NegotiatedStream> agreed = media.streams();
                        events.execute(() -> {
                            log.info("{} in room '{}' agreed to our re-INVITE: {}", join.caller(), room(), CallMedia.describe(agreed));
                            handler.onCallUpdated(this);
                        });
                    }
                } else {
                    failure = n.refusalSummary();
                }
            } catch (SdpParseException e) {
                failure = "its answer is not SDP we can read (" + SipText.loggable(e.getMessage()) + ")";
            }
        }
        if (failure != null) {
            log.info("{} in room '{}': our re-INVITE failed, {}; its media stays as it was", join.caller(), room(), failure);
        }
        ClientTransaction next = null;
        synchronized (this) {
            if (reInviteWanted && state == State.ACTIVE && reOffer == null) {
                next = prepareReInvite();
            }
        }
        send(next);
    }

    private synchronized State state() {
        return state;
    }

    void onBye(ServerTransaction st, Request request) {
        sip.send(st, sip.response(Response.OK, request));
        end("the caller hung up");
    }

    void onInfo(ServerTransaction st, Request request) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        String body = request.getRawContent() == null ? "" : new String(request.getRawContent(), StandardCharsets.UTF_8);
        if (type == null || body.isBlank()) {
            sip.send(st, sip.response(Response.OK, request)); // an empty INFO is a keep-alive
            return;
        }
        String subtype = type.getContentSubType().toLowerCase(java.util.Locale.ROOT);
        if (subtype.equals(InfoBodies.MEDIA_CONTROL)) {
            sip.send(st, sip.response(Response.OK, request));
            if (InfoBodies.isPictureFastUpdate(body)) {
                log.debug("{} in room '{}' asked for a keyframe (SIP INFO)", join.caller(), room());
                listener.onKeyframeRequested();
            }
        } else if (subtype.equals(InfoBodies.DTMF_RELAY)) {
            char digit = InfoBodies.dtmfDigit(body);
            sip.send(st, sip.response(digit == 0 ? Response.BAD_REQUEST : Response.OK, request));
            if (digit != 0) {
                listener.onDtmf(digit);
            }
        } else {
            sip.send(st, sip.response(Response.UNSUPPORTED_MEDIA_TYPE, request));
        }
    }

    @Override
    public void hangup() {
        hangup("hung up by the server");
    }

    void hangup(String reason) {
        Dialog d;
        synchronized (this) {
            d = state == State.ENDED ? null : dialog;
        }
        if (d != null) {
            try {
                Request bye = d.createRequest(Request.BYE);
                ClientTransaction ct = sip.provider.getNewClientTransaction(bye);
                d.sendRequest(ct);
            } catch (Exception e) {
                log.debug("could not send BYE to {}: {}", join.caller(), e.toString());
            }
        }
        end(reason);
    }

    /**
     * The connection this call was signalled over is gone (a browser's WebSocket): no BYE can reach
     * the caller, so the call ends without one and the stack forgets its dialog.
     */
    void connectionClosed(String reason) {
        Dialog d;
        synchronized (this) {
            d = dialog;
        }
        end(reason);
        if (d != null) {
            d.delete();
        }
    }

    /**
     * Ends the call once: closes the transport, then tells the application: ended when it saw the
     * call start (queued after the started event), abandoned when it never did.
     */
    void end(String reason) {
        boolean wasStarted;
        synchronized (this) {
            if (state == State.ENDED) {
                return;
            }
            wasStarted = started;
            state = State.ENDED;
        }
        // Closing the media waits on its event loop, which a loaded server keeps busy: that wait
        // belongs on the call's event queue, not on the SIP thread that ended the call (a BYE's,
        // which must take the next message at once). The application still hears of the end
        // after the transport is closed: the queue runs in order.
        events.execute(transport::close);
        onEnded.accept(this);
        if (wasStarted) {
            log.info("{} left room '{}': {}", join.caller(), room(), reason);
            events.execute(() -> handler.onCallEnded(this, reason));
        } else {
            log.info("{} never joined room '{}': {}", join.caller(), room(), reason);
            events.execute(() -> handler.onCallAbandoned(join, reason));
        }
    }

    synchronized boolean isActive() {
        return state == State.ACTIVE;
    }

    synchronized boolean isEnded() {
        return state == State.ENDED;
    }
}
