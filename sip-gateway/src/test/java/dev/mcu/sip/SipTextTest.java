package dev.mcu.sip;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipTextTest {
    @Test
    void controlCharactersFromTheNetworkAreEscapedNotWritten() {
        String forged = "Bob\r\n12:00:00 INFO admin logged in\u0000\u0007\u007f";
        String logged = SipText.loggable(forged);
        assertEquals("Bob\\x0d\\x0a12:00:00 INFO admin logged in\\x00\\x07\\x7f", logged);
        assertTrue(logged.chars().noneMatch(c -> c < 0x20 || c == 0x7f), logged);
    }

    @Test
    void longValuesAreCutAndSayHowLongTheyWere() {
        String logged = SipText.loggable("x".repeat(30_000));
        assertEquals("x".repeat(SipText.MAX_LOGGED_CHARS) + "...(30000 chars)", logged);
    }

    @Test
    void plainTextAndNullPassAsTheyAre() {
        assertEquals("sip:alice@127.0.0.1", SipText.loggable("sip:alice@127.0.0.1"));
        assertEquals("", SipText.loggable(null));
    }
}
