package dev.mcu.sip.testing;

import dev.mcu.sip.Slf4jServerLogger;
import dev.mcu.sip.Slf4jStackLogger;
import dev.mcu.transport.FreePortRange;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable SIP phone (UAC) on its own JAIN-SIP stack, on 127.0.0.1, for tests against a real
 * server: INVITE with or without SDP, ACK, BYE, re-INVITE, INFO, OPTIONS, CANCEL, answering the
 * server's BYE, and raw UDP for malformed input. Every wait is bounded by {@link #TIMEOUT_SECONDS}.
 * Methods are called from the test thread; responses arrive on stack threads and are handed over
 * through futures and queues.
 */
public final class SipTestPhone implements AutoCloseable {
    public static final int TIMEOUT_SECONDS = 20; // a first call on a cold JIT at load 20+ took over 10 s
    private static final AtomicInteger STACKS = new AtomicInteger();

    static {
        Slf4jStackLogger.install();
    }

    private final String serverHost;
    private final int serverPort;
    private final String transport;
    private final String user;
    private final SipStack stack;          // owned: stopped in close()
    private final SipProvider provider;
    private final Listener listener = new Listener();
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final int localPort;
    private final Map<String, Outgoing> callsById = new ConcurrentHashMap<>();
    /** Every BYE the server sent us (already answered 200). */
    public final BlockingQueue<Request> byesReceived = new LinkedBlockingQueue<>();

    public SipTestPhone(String serverHost, int serverPort) throws Exception {
        this(serverHost, serverPort, "udp", "alice");
    }

    public SipTestPhone(String serverHost, int serverPort, String transport, String user) throws Exception {
        this.serverHost = serverHost;
        this.serverPort = serverPort;
        this.transport = transport;
        this.user = user;
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "test-phone-" + STACKS.incrementAndGet());
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        // One thread reads what arrives, in order, as a phone does. Unset, JAIN-SIP starts a thread per
        // datagram: the server's 100 Trying and its 200 OK sent a moment later raced, and a 200 handled
        // first ended the transaction, which then dropped the 100 (SipServerTest's "missing 100 Trying",
        // about one full sip-gateway run in three, on main too).
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "1");
        stack = factory.createSipStack(p);
        messages = factory.createMessageFactory();
        headers = factory.createHeaderFactory();
        addresses = factory.createAddressFactory();
        localPort = freePort();
        ListeningPoint lp = stack.createListeningPoint("127.0.0.1", localPort, transport);
        provider = stack.createSipProvider(lp);
        provider.addSipListener(listener);
        stack.start();
    }

    /**
     * A port free for both UDP and TCP on 127.0.0.1 right now, from the tests' range above the
     * kernel's ephemeral ports (one picked by binding port 0 could go to another socket first).
     */
    public static int freePort() throws IOException {
        return FreePortRange.udpAndTcp();
    }

    public int localPort() {
        return localPort;
    }

    private String serverHostPort() {
        return serverHost + ":" + serverPort;
    }

    /** {@code userPart} may carry URI parameters after ';' (e.g. {@code demo;pin=1234}). */
    private SipURI serverUri(String userPart) throws Exception {
        String[] parts = userPart.split(";");
        SipURI uri = addresses.createSipURI(parts[0], serverHostPort());
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            uri.setParameter(kv[0], kv.length > 1 ? kv[1] : "");
        }
        if (!"udp".equalsIgnoreCase(transport)) {
            uri.setTransportParam(transport);
        }
        return uri;
    }

    /** A new out-of-dialog request to {@code userPart@server}. */
    public Request newRequest(String method, String userPart) throws Exception {
        SipURI requestUri = serverUri(userPart);
        Address from = addresses.createAddress("Alice Tester <sip:" + user + "@127.0.0.1>");
        FromHeader fromHeader = headers.createFromHeader(from, Long.toHexString(System.nanoTime()));
        ToHeader to = headers.createToHeader(addresses.createAddress(requestUri), null);
        CallIdHeader callId = provider.getNewCallId();
        CSeqHeader cseq = headers.createCSeqHeader(1L, method);
        ViaHeader via = headers.createViaHeader("127.0.0.1", localPort, transport, null);
        via.setRPort();
        Request r = messages.createRequest(requestUri, method, callId, cseq, fromHeader, to, List.of(via),
                headers.createMaxForwardsHeader(70));
        SipURI contact = addresses.createSipURI(user, "127.0.0.1:" + localPort);
        if (!"udp".equalsIgnoreCase(transport)) {
            contact.setTransportParam(transport);
        }
        r.addHeader(headers.createContactHeader(addresses.createAddress(contact)));
        return r;
    }

    /** Starts an INVITE (SDP body or null); wait on the result with {@link Outgoing#awaitFinal()}. */
    public Outgoing invite(String userPart, String sdp, Header... extra) throws Exception {
        Request invite = newRequest(Request.INVITE, userPart);
        for (Header h : extra) {
            invite.addHeader(h);
        }
        if (sdp != null) {
            invite.setContent(sdp, headers.createContentTypeHeader("application", "sdp"));
        }
        Outgoing call = new Outgoing();
        callsById.put(((CallIdHeader) invite.getHeader(CallIdHeader.NAME)).getCallId(), call);
        ClientTransaction ct = provider.getNewClientTransaction(invite);
        call.invite = ct;
        call.current = new Exchange();
        ct.setApplicationData(call.current);
        ct.sendRequest();
        return call;
    }

    public HeaderFactory headerFactory() {
        return headers;
    }

    /** Sends an out-of-dialog request and waits for its final response. */
    public PhoneResponse send(Request request) throws Exception {
        ClientTransaction ct = provider.getNewClientTransaction(request);
        Exchange ex = new Exchange();
        ct.setApplicationData(ex);
        ct.sendRequest();
        return ex.awaitFinal();
    }

    public PhoneResponse options(String userPart) throws Exception {
        return send(newRequest(Request.OPTIONS, userPart));
    }

    /**
     * Sends {@code message} as one UDP datagram to the server from a fresh socket and returns the
     * status line of the first reply, or null when nothing came back in time. {@code ${phone}} in
     * the message is replaced by that socket's {@code 127.0.0.1:port}, so Via can point back at it.
     */
    public String sendRaw(String message) throws IOException {
        return sendRaw(message, TIMEOUT_SECONDS * 1000);
    }

    public String sendRaw(String message, int timeoutMillis) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(timeoutMillis);
            byte[] bytes = message.replace("${phone}", "127.0.0.1:" + socket.getLocalPort()).getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName(serverHost), serverPort));
            byte[] buf = new byte[65535];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                return null;
            }
            String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
            int eol = text.indexOf("\r\n");
            return eol < 0 ? text : text.substring(0, eol);
        }
    }

    @Override
    public void close() {
        try {
            dev.mcu.sip.SipStackStop.stop(stack, provider, listener, () -> true);
        } catch (NullPointerException e) {
            // JAIN-SIP's UDP processor builds its channel list when its threads start; stopping a
            // stack whose threads a loaded machine has not yet run fails on that list (seen under
            // load in SipServerTest's teardown). What it had not yet stopped stays idle until the test
            // JVM exits: a test phone's teardown must not fail the test it served.
        }
    }

    /** One request's responses: provisional ones in a queue, the final one in a future. */
    static final class Exchange {
        final BlockingQueue<PhoneResponse> provisional = new LinkedBlockingQueue<>();
        final CompletableFuture<PhoneResponse> fin = new CompletableFuture<>();

        PhoneResponse awaitFinal() throws Exception {
            return fin.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** One call the phone placed: its INVITE transaction, then its dialog. */
    public final class Outgoing {
        private ClientTransaction invite;
        private volatile Exchange current;
        private volatile Dialog dialog;
        private volatile PhoneResponse lastOk;
        /** BYEs the server sent in this call. */
        public final BlockingQueue<Request> byes = new LinkedBlockingQueue<>();
        /** The server's re-INVITEs in this call, each answered already (see {@link #answerReInvitesWith}). */
        public final BlockingQueue<Request> reInvites = new LinkedBlockingQueue<>();
        private volatile String reInviteAnswer;   // null: a server's re-INVITE gets 501, as a phone without it

        /**
         * From now on a re-INVITE from the server (a webinar's promotion or demotion) is answered
         * 200 OK with this SDP (the phone's own streams, sendrecv), as a real phone would; the
         * server's ACK is taken by the stack.
         */
        public void answerReInvitesWith(String sdp) {
            reInviteAnswer = sdp;
        }

        public PhoneResponse awaitFinal() throws Exception {
            return current.awaitFinal();
        }

        /** The final response if it comes within {@code millis}, else null (the INVITE stays pending). */
        public PhoneResponse awaitFinal(long millis) throws Exception {
            try {
                return current.fin.get(millis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                return null;
            }
        }

        /** The next provisional response (100, 180, 183), or null when none came in time. */
        public PhoneResponse awaitProvisional() throws InterruptedException {
            return current.provisional.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        /** The SDP of the last 2xx (answer, or the server's offer for an INVITE without SDP). */
        public String remoteSdp() {
            return lastOk == null ? null : lastOk.body();
        }

        public Dialog dialog() {
            return dialog;
        }

        public void ack() throws Exception {
            ack(null);
        }

        /** ACKs the last 2xx, with our answer when the server offered in its 200. */
        public void ack(String sdp) throws Exception {
            long cseq = ((CSeqHeader) lastOk.raw().getHeader(CSeqHeader.NAME)).getSeqNumber();
            Request ack = dialog.createAck(cseq);
            if (sdp != null) {
                ack.setContent(sdp, headers.createContentTypeHeader("application", "sdp"));
            }
            dialog.sendAck(ack);
        }

        /** Sends CANCEL for the pending INVITE; returns the response to the CANCEL itself. */
        public PhoneResponse cancel() throws Exception {
            Request cancel = invite.createCancel();
            ClientTransaction ct = provider.getNewClientTransaction(cancel);
            Exchange ex = new Exchange();
            ct.setApplicationData(ex);
            ct.sendRequest();
            return ex.awaitFinal();
        }

        /** Sends an in-dialog request (BYE, INFO, INVITE...) and waits for its final response. */
        public PhoneResponse inDialog(String method, String type, String subtype, String body) throws Exception {
            Request r = dialog.createRequest(method);
            if (body != null) {
                r.setContent(body, headers.createContentTypeHeader(type, subtype));
            }
            ClientTransaction ct = provider.getNewClientTransaction(r);
            Exchange ex = new Exchange();
            ct.setApplicationData(ex);
            if (method.equals(Request.INVITE)) {
                current = ex;
            }
            dialog.sendRequest(ct);
            return ex.awaitFinal();
        }

        public PhoneResponse bye() throws Exception {
            return inDialog(Request.BYE, null, null, null);
        }

        /** A re-INVITE (SDP or null); a 2xx is ACKed right away (without a body). */
        public PhoneResponse reinvite(String sdp) throws Exception {
            PhoneResponse r = inDialog(Request.INVITE, "application", "sdp", sdp);
            if (r.status() / 100 == 2 && sdp != null) {
                ack();
            }
            return r;
        }

        public PhoneResponse info(String type, String subtype, String body) throws Exception {
            return inDialog(Request.INFO, type, subtype, body);
        }

        /** Waits for the server's BYE in this call (the phone has answered it 200). */
        public Request awaitByeFromServer() throws InterruptedException {
            return byes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private final class Listener implements SipListener {
        @Override
        public void processResponse(ResponseEvent event) {
            Response response = event.getResponse();
            ClientTransaction ct = event.getClientTransaction();
            if (ct == null || !(ct.getApplicationData() instanceof Exchange ex)) {
                return; // a retransmitted 2xx: our ACK covers it
            }
            PhoneResponse r = PhoneResponse.of(response);
            if (response.getStatusCode() < 200) {
                ex.provisional.add(r);
                return;
            }
            String method = ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getMethod();
            Outgoing call = callsById.get(((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId());
            if (call != null && method.equals(Request.INVITE) && response.getStatusCode() / 100 == 2) {
                call.dialog = event.getDialog() != null ? event.getDialog() : ct.getDialog();
                call.lastOk = r;
            }
            ex.fin.complete(r);
        }

        @Override
        public void processRequest(RequestEvent event) {
            Request request = event.getRequest();
            if (request.getMethod().equals(Request.ACK)) {
                return;
            }
            try {
                ServerTransaction st = event.getServerTransaction() != null ? event.getServerTransaction()
                        : provider.getNewServerTransaction(request);
                boolean bye = request.getMethod().equals(Request.BYE);
                Outgoing inCall = callsById.get(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
                if (request.getMethod().equals(Request.INVITE) && inCall != null && inCall.reInviteAnswer != null) {
                    Response ok = messages.createResponse(Response.OK, request);
                    ok.addHeader(headers.createContactHeader(addresses.createAddress(
                            addresses.createSipURI(user, "127.0.0.1:" + localPort))));
                    ok.setContent(inCall.reInviteAnswer, headers.createContentTypeHeader("application", "sdp"));
                    st.sendResponse(ok);
                    inCall.reInvites.add(request);
                    return;
                }
                st.sendResponse(messages.createResponse(bye ? Response.OK : Response.NOT_IMPLEMENTED, request));
                if (bye) {
                    byesReceived.add(request);
                    Outgoing call = callsById.get(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
                    if (call != null) {
                        call.byes.add(request);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException("test phone could not answer " + request.getMethod(), e);
            }
        }

        @Override
        public void processTimeout(TimeoutEvent event) {
            ClientTransaction ct = event.getClientTransaction();
            if (ct != null && ct.getApplicationData() instanceof Exchange ex) {
                ex.fin.completeExceptionally(new IOException("no response to " + ct.getRequest().getMethod()));
            }
        }

        @Override public void processIOException(IOExceptionEvent event) { }
        @Override public void processTransactionTerminated(TransactionTerminatedEvent event) { }
        @Override public void processDialogTerminated(DialogTerminatedEvent event) { }
    }

    /** Content type helper for tests: {@code application/sdp}. */
    public ContentTypeHeader sdpType() throws Exception {
        return headers.createContentTypeHeader("application", "sdp");
    }
}
