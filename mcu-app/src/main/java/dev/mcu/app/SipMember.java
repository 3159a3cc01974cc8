package dev.mcu.app;

import dev.mcu.conference.Member;
import dev.mcu.conference.Role;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.sip.Call;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;

import java.util.List;

/**
 * A SIP call (phone or browser) as a room member. Thread-safe, as {@link Call} is.
 *
 * @param displayName the From display name, else its user part
 * @param initialRole from the PIN dialled
 */
record SipMember(Call call, String displayName, Role initialRole) implements Member {

    @Override
    public String id() {
        return call.id();
    }

    @Override
    public List<NegotiatedStream> streams() {
        return call.streams();
    }

    @Override
    public MediaTransport transport() {
        return call.transport();
    }

    @Override
    public void setMediaListener(MediaListener listener) {
        call.setMediaListener(listener);
    }

    @Override
    public void hangup() {
        call.hangup();
    }
}
