package dev.mcu.sdp;

import java.util.List;
import java.util.Map;

/**
 * One m-line both sides agreed on: the stream for the media pipeline plus what the SDP we write
 * (or read) needs about it.
 *
 * @param mLineIndex          0-based position of the m-line in the offer
 * @param rtpMap              the chosen codec as the remote named it
 * @param localFmtp           the fmtp we write for the chosen payload type (empty: none)
 * @param telephoneEvent      the RFC 4733 payload type's rtpmap, or null
 * @param telephoneEventFmtp  its fmtp value after the payload type ("0-15"), or null
 * @param feedback            rtcp-fb both sides use for the chosen payload type
 * @param remoteHost          where the remote wants RTP (its c= address)
 * @param remotePort          its m= port
 * @param rtcpMux             whether RTCP shares the RTP port
 * @param rtxPayloadType      the RFC 4588 rtx payload type (apt = the chosen one) we answer, or -1;
 *                            only WebRTC answers take rtx
 * @param sdes                the SRTP keys of an RTP/SAVP m-line keyed by SDES (RFC 4568), or null
 *                            for plain RTP (and for WebRTC, keyed by DTLS)
 */
public record AcceptedMedia(int mLineIndex, dev.mcu.media.NegotiatedStream stream, RtpMap rtpMap,
                            Map<String, String> localFmtp, RtpMap telephoneEvent, String telephoneEventFmtp,
                            List<RtcpFb> feedback, String remoteHost, int remotePort, boolean rtcpMux,
                            int rtxPayloadType, SdesCrypto.Pair sdes) {

    /** This m-line with other SDES keys. */
    public AcceptedMedia withSdes(SdesCrypto.Pair keys) {
        return new AcceptedMedia(mLineIndex, stream, rtpMap, localFmtp, telephoneEvent, telephoneEventFmtp, feedback,
                remoteHost, remotePort, rtcpMux, rtxPayloadType, keys);
    }

    /** Without SDES keys. */
    public AcceptedMedia(int mLineIndex, dev.mcu.media.NegotiatedStream stream, RtpMap rtpMap,
                         Map<String, String> localFmtp, RtpMap telephoneEvent, String telephoneEventFmtp,
                         List<RtcpFb> feedback, String remoteHost, int remotePort, boolean rtcpMux, int rtxPayloadType) {
        this(mLineIndex, stream, rtpMap, localFmtp, telephoneEvent, telephoneEventFmtp, feedback, remoteHost,
                remotePort, rtcpMux, rtxPayloadType, null);
    }

    /** Without rtx. */
    public AcceptedMedia(int mLineIndex, dev.mcu.media.NegotiatedStream stream, RtpMap rtpMap,
                         Map<String, String> localFmtp, RtpMap telephoneEvent, String telephoneEventFmtp,
                         List<RtcpFb> feedback, String remoteHost, int remotePort, boolean rtcpMux) {
        this(mLineIndex, stream, rtpMap, localFmtp, telephoneEvent, telephoneEventFmtp, feedback, remoteHost,
                remotePort, rtcpMux, -1);
    }
}
