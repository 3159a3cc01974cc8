package dev.mcu.conference;

import dev.mcu.media.NegotiatedStream;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;

import java.util.List;

/**
 * What a room needs of one participant's connection, whatever signalled it (a SIP call, a browser,
 * a test's in-memory peer): who it is, what offer/answer agreed, where its media goes, and a way to
 * end it. Implementations are thread-safe.
 */
public interface Member {

    /** Unique on this server for the life of the connection (a SIP call uses its Call-ID). */
    String id();

    /** The name to show for this participant. */
    String displayName();

    /** What offer/answer agreed for each media line; changes only through {@link Room#update}. */
    List<NegotiatedStream> streams();

    /** Borrowed: the signalling side owns and closes it. */
    MediaTransport transport();

    /** Where this member's media events go (RTP, RTCP feedback, DTMF, keyframe requests). */
    void setMediaListener(MediaListener listener);

    /** The role it has when it joins; the control plane may change it later. */
    default Role initialRole() {
        return Role.SPEAKER;
    }

    /** Ends the connection from our side; does nothing when it is already over. */
    void hangup();
}
