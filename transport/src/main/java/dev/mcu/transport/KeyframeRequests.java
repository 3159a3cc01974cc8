package dev.mcu.transport;

import dev.mcu.media.rtcp.FullIntraRequest;
import dev.mcu.media.rtcp.PictureLossIndication;
import dev.mcu.media.rtcp.ReceiverReport;
import dev.mcu.media.rtcp.RtcpPacket;
import dev.mcu.media.rtcp.SourceDescription;

import java.util.ArrayList;
import java.util.List;

/**
 * The RTCP compound that asks the remote for a keyframe: an empty RR and SDES (a compound must
 * start so, RFC 3550 §6.1), a PLI (RFC 4585), and a FIR (RFC 5104) with its own sequence number
 * where the answer agreed to ccm fir (baresip logs FIR it did not agree to as unknown).
 *
 * <p>Threads: the transport's event loop only.
 */
final class KeyframeRequests {
    private final String cname;
    private int firSequenceNumber;

    KeyframeRequests(String cname) {
        this.cname = cname;
    }

    List<RtcpPacket> request(long ourSsrc, long mediaSsrc, boolean firAgreed) {
        firSequenceNumber = (firSequenceNumber + 1) & 0xff;
        List<RtcpPacket> request = new ArrayList<>(List.of(new ReceiverReport(ourSsrc, List.of()),
                SourceDescription.ofCname(ourSsrc, cname), new PictureLossIndication(ourSsrc, mediaSsrc)));
        if (firAgreed) {
            request.add(new FullIntraRequest(ourSsrc, List.of(new FullIntraRequest.Entry(mediaSsrc, firSequenceNumber))));
        }
        return request;
    }
}
