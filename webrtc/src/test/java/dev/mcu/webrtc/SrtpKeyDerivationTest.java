package dev.mcu.webrtc;

import static dev.mcu.webrtc.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 3711 Appendix B.3: the AES-CM PRF with master key E1F9... and master salt 0EC6.... */
class SrtpKeyDerivationTest {
    private static final byte[] MASTER_KEY = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] MASTER_SALT = hex("0EC675AD498AFEEBB6960B3AABE6");

    @Test
    void theCipherKeyMatchesAppendixB3() {
        assertEquals("c61e7a93744f39ee10734afe3ff7a087",
                TestBytes.hex(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, 16)));
    }

    @Test
    void theCipherSaltMatchesAppendixB3() {
        assertEquals("30cbbc08863d8c85d49db34a9ae1",
                TestBytes.hex(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_SALT, 14)));
    }

    @Test
    void theAuthKeyMatchesAppendixB3AcrossSeveralCounterBlocks() {
        String expected = TestBytes.hex(hex("""
                CEBE321F6FF7716B6FD4AB49AF256A15
                6D38BAA48F0A0ACF3C34E2359E6CDBCE
                E049646C43D9327AD175578EF7227098
                6371C10C9A369AC2F94A8C5FBCDDDC25
                6D6E919A48B610EF17C2041E47403576
                6B68642C59BBFC2F34DB60DBDFB2
                """));
        assertEquals(expected,
                TestBytes.hex(SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_AUTH, 94)));
    }

    @Test
    void rtcpLabelsGiveKeysOtherThanRtpOnes() {
        byte[] rtp = SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, 16);
        byte[] rtcp = SrtpKeyDerivation.derive(MASTER_KEY, MASTER_SALT, SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, 16);
        org.junit.jupiter.api.Assertions.assertNotEquals(TestBytes.hex(rtp), TestBytes.hex(rtcp));
    }
}
