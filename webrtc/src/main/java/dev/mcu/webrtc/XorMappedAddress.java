package dev.mcu.webrtc;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the address a request came from, XORed with the magic
 * cookie (and, for IPv6, the transaction id) so that NATs rewriting addresses in payloads leave it
 * alone. Stateless; any thread.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                X-Address (Variable)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class XorMappedAddress {
    static final int FAMILY_IPV4 = 0x01;
    static final int FAMILY_IPV6 = 0x02;
    private static final int IPV4_SIZE = 4;
    private static final int IPV6_SIZE = 16;

    private XorMappedAddress() {
    }

    public static StunAttribute encode(InetSocketAddress address, byte[] transactionId) {
        byte[] ip = address.getAddress().getAddress();
        byte[] value = new byte[4 + ip.length];
        value[1] = (byte) (ip.length == IPV4_SIZE ? FAMILY_IPV4 : FAMILY_IPV6);
        int xPort = address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16);
        value[2] = (byte) (xPort >>> 8);
        value[3] = (byte) xPort;
        byte[] mask = mask(transactionId);
        for (int i = 0; i < ip.length; i++) {
            value[4 + i] = (byte) (ip[i] ^ mask[i]);
        }
        return new StunAttribute(StunAttribute.XOR_MAPPED_ADDRESS, value);
    }

    /** The address in an XOR-MAPPED-ADDRESS value; {@code null} when malformed. */
    public static InetSocketAddress decode(StunAttribute attribute, byte[] transactionId) {
        byte[] value = attribute.value();
        if (value.length < 4) {
            return null;
        }
        int family = value[1] & 0xff;
        int ipLength = family == FAMILY_IPV4 ? IPV4_SIZE : family == FAMILY_IPV6 ? IPV6_SIZE : -1;
        if (ipLength < 0 || value.length != 4 + ipLength) {
            return null;
        }
        int port = (((value[2] & 0xff) << 8) | (value[3] & 0xff)) ^ (StunMessage.MAGIC_COOKIE >>> 16);
        byte[] mask = mask(transactionId);
        byte[] ip = new byte[ipLength];
        for (int i = 0; i < ipLength; i++) {
            ip[i] = (byte) (value[4 + i] ^ mask[i]);
        }
        try {
            InetAddress inet = InetAddress.getByAddress(ip);
            if (family == FAMILY_IPV6 && inet instanceof Inet4Address) {
                return null; // an IPv4-mapped IPv6 address would silently change family
            }
            return new InetSocketAddress(inet, port);
        } catch (UnknownHostException e) {
            return null; // unreachable: the length was checked
        }
    }

    /** Magic cookie followed by the transaction id: the XOR mask for up to 16 address bytes. */
    private static byte[] mask(byte[] transactionId) {
        byte[] mask = new byte[IPV6_SIZE];
        mask[0] = (byte) (StunMessage.MAGIC_COOKIE >>> 24);
        mask[1] = (byte) (StunMessage.MAGIC_COOKIE >>> 16);
        mask[2] = (byte) (StunMessage.MAGIC_COOKIE >>> 8);
        mask[3] = (byte) StunMessage.MAGIC_COOKIE;
        System.arraycopy(transactionId, 0, mask, 4, StunMessage.TRANSACTION_ID_SIZE);
        return mask;
    }
}
