package dev.mcu.sip;

/**
 * The application's verdict on a {@link JoinRequest}. Immutable.
 *
 * @param reason             for the operator's log and the SIP reason phrase's Warning; may be empty
 * @param retryAfterSeconds  for {@link Verdict#BUSY}: the Retry-After the caller gets
 * @param reasonPhrase       the status line's words when not the standard ones (e.g. 403 "Room locked",
 *                           which a browser page shows), or null
 * @param answerHeaders      extra headers of the 200 OK (e.g. a browser's room token), empty for none
 * @param viewOnly           our answer takes none of the caller's media: every stream is sendonly
 *                           on our side (inactive where the caller only sends), as for a webinar
 *                           attendee; {@link Call#setViewOnly} changes it later
 * @param keypadAudio        with {@code viewOnly}: the audio stream still receives, so that RFC 4733
 *                           DTMF (which travels in it) reaches us; the room drops the voice unread
 * @param feedsProgram       the caller is a webinar's host or speaker: its media transport goes on the
 *                           contributors' event loops, which sending to the attendees never delays
 *                           ({@link dev.mcu.transport.MediaTransportFactory#create(String, java.net.InetAddress,
 *                           java.util.Set, boolean)}); decided here, at admission: an attendee promoted later
 *                           moves its sockets there then ({@link Call#setViewOnly})
 */
public record Admission(Verdict verdict, String reason, int retryAfterSeconds, String reasonPhrase,
                        java.util.Map<String, String> answerHeaders, boolean viewOnly, boolean keypadAudio,
                        boolean feedsProgram) {

    public Admission(Verdict verdict, String reason, int retryAfterSeconds) {
        this(verdict, reason, retryAfterSeconds, null, java.util.Map.of(), false, false, false);
    }

    public Admission withReasonPhrase(String phrase) {
        return new Admission(verdict, reason, retryAfterSeconds, phrase, answerHeaders, viewOnly, keypadAudio, feedsProgram);
    }

    public Admission withAnswerHeaders(java.util.Map<String, String> headers) {
        return new Admission(verdict, reason, retryAfterSeconds, reasonPhrase, java.util.Map.copyOf(headers), viewOnly,
                keypadAudio, feedsProgram);
    }

    /** The same verdict, answered view-only (see {@link #viewOnly} and {@link #keypadAudio}). */
    public Admission asViewOnly(boolean keepAudioForKeypad) {
        return new Admission(verdict, reason, retryAfterSeconds, reasonPhrase, answerHeaders, true, keepAudioForKeypad,
                false);
    }

    /** The same verdict for a caller whose media feeds a webinar's program (see {@link #feedsProgram}). */
    public Admission asProgramFeed() {
        return new Admission(verdict, reason, retryAfterSeconds, reasonPhrase, answerHeaders, viewOnly, keypadAudio, true);
    }

    public enum Verdict {
        /** Answer the call. */
        ACCEPT(200),
        /** No such room: 404 Not Found. */
        NOT_FOUND(404),
        /** Wrong or missing PIN: 403 Forbidden. */
        FORBIDDEN(403),
        /** Room or server full: 503 Service Unavailable with Retry-After. */
        BUSY(503);

        private final int sipStatus;

        Verdict(int sipStatus) {
            this.sipStatus = sipStatus;
        }

        public int sipStatus() {
            return sipStatus;
        }
    }

    public static Admission accept() {
        return new Admission(Verdict.ACCEPT, "", 0);
    }

    public static Admission notFound(String reason) {
        return new Admission(Verdict.NOT_FOUND, reason, 0);
    }

    public static Admission forbidden(String reason) {
        return new Admission(Verdict.FORBIDDEN, reason, 0);
    }

    public static Admission busy(int retryAfterSeconds, String reason) {
        return new Admission(Verdict.BUSY, reason, retryAfterSeconds);
    }
}
