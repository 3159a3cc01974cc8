package dev.mcu.app;

import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.sip.Call;
import dev.mcu.sip.JoinRequest;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;

import java.util.List;

/**
 * A call with a clock on its media: remembers when its last RTP packet arrived, for the watchdog
 * that ends calls whose media stopped ({@code media.timeoutSeconds}). Everything else is the
 * call's own.
 *
 * <p>Threads: the listener runs on the transport's event loop (one volatile write per packet);
 * {@link #lastPacketNanos} is read by the watchdog.
 */
final class WatchedCall implements Call {
    private final Call call;   // borrowed: owned by the SIP layer
    private volatile long lastPacketNanos;

    WatchedCall(Call call, long nowNanos) {
        this.call = call;
        this.lastPacketNanos = nowNanos;
    }

    /** When the last RTP packet of any stream arrived (System.nanoTime), or when the call started. */
    long lastPacketNanos() {
        return lastPacketNanos;
    }

    @Override
    public String id() {
        return call.id();
    }

    @Override
    public String room() {
        return call.room();
    }

    @Override
    public JoinRequest joinRequest() {
        return call.joinRequest();
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
        call.setMediaListener(new MediaListener() {
            @Override
            public void onRtp(MediaKind kind, RtpPacket packet) {
                lastPacketNanos = System.nanoTime();
                listener.onRtp(kind, packet);
            }

            @Override
            public void onKeyframeRequested() {
                listener.onKeyframeRequested();
            }

            @Override
            public void onDtmf(char digit) {
                listener.onDtmf(digit);
            }
        });
    }

    @Override
    public boolean setViewOnly(boolean viewOnly) {
        return call.setViewOnly(viewOnly);
    }

    @Override
    public void hangup() {
        call.hangup();
    }
}
