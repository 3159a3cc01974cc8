package dev.mcu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * The one way a received datagram leaves Netty: its bytes are copied into an array the caller
 * owns and the pooled buffer is released at once, on every path, so nothing above the socket
 * handlers ever holds a reference-counted buffer.
 */
public final class Datagrams {
    private Datagrams() {
    }

    /** The datagram's bytes; {@code msg} is released. {@code null} (and released) when it is not a datagram. */
    public static byte[] copyAndRelease(Object msg) {
        if (!(msg instanceof DatagramPacket datagram)) {
            ReferenceCountUtil.release(msg);
            return null;
        }
        try {
            ByteBuf content = datagram.content();
            byte[] data = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), data);
            return data;
        } finally {
            datagram.release();
        }
    }
}
