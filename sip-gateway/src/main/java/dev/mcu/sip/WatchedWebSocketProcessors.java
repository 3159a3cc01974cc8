package dev.mcu.sip;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.NioWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/**
 * JAIN-SIP's NIO message processors, except that WS and WSS connections are
 * {@link WatchedWebSocketChannels}: their upgrade's Origin is checked and their closing is
 * reported. Named in the WebSocket stacks' {@code MESSAGE_PROCESSOR_FACTORY} property; JAIN-SIP
 * creates it by class name and calls it while listening points are created.
 */
public final class WatchedWebSocketProcessors implements MessageProcessorFactory {
    private final NioMessageProcessorFactory plain = new NioMessageProcessorFactory();

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
                                                   String transport) throws IOException {
        if ("WS".equalsIgnoreCase(transport)) {
            return new Plain(address, stack, port);
        }
        if ("WSS".equalsIgnoreCase(transport)) {
            return new Secure(address, stack, port);
        }
        return plain.createMessageProcessor(stack, address, port, transport);
    }

    /** ws:// connections; as JAIN-SIP's, with a watched channel per accepted socket. */
    static final class Plain extends NioWebSocketMessageProcessor {
        Plain(InetAddress address, SIPTransactionStack stack, int port) {
            super(address, stack, port);
        }

        @Override
        public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel socket)
                throws IOException {
            NioTcpMessageChannel channel = nioHandler.getMessageChannel(socket);
            if (channel == null) {
                channel = new WatchedWebSocketChannels.Plain(sipStack, processor, socket);
                nioHandler.putMessageChannel(socket, channel);
            }
            return channel;
        }
    }

    /** wss:// connections; as JAIN-SIP's, with a watched channel per accepted socket. */
    static final class Secure extends NioTlsWebSocketMessageProcessor {
        Secure(InetAddress address, SIPTransactionStack stack, int port) {
            super(address, stack, port);
        }

        @Override
        public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel socket)
                throws IOException {
            NioTcpMessageChannel channel = nioHandler.getMessageChannel(socket);
            if (channel == null) {
                channel = new WatchedWebSocketChannels.Secure(sipStack, processor, socket);
                nioHandler.putMessageChannel(socket, channel);
            }
            return channel;
        }
    }
}
