package dev.mcu.media.dtmf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TelephoneEventTest {

    record Case(String name, byte[] bytes, TelephoneEvent event, char digit) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("digit 5 in progress", new byte[] {
                        0x05,                       // event 5
                        0x0a,                       // E=0, volume 10
                        0x01, (byte) 0x40},         // duration 320
                        new TelephoneEvent(5, false, 10, 320), '5'),
                new Case("star ending", new byte[] {
                        0x0a,                       // event 10: *
                        (byte) 0x8a,                // E=1, volume 10
                        0x03, (byte) 0x20},         // duration 800
                        new TelephoneEvent(10, true, 10, 800), '*'),
                new Case("hash", new byte[] {0x0b, 0x00, 0x00, 0x00}, new TelephoneEvent(11, false, 0, 0), '#'),
                new Case("D", new byte[] {0x0f, 0x3f, (byte) 0xff, (byte) 0xff},
                        new TelephoneEvent(15, false, 63, 65535), 'D'),
                new Case("flash is not a digit", new byte[] {0x10, (byte) 0x80, 0x00, 0x50},
                        new TelephoneEvent(16, true, 0, 80), (char) 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void payloadParsesIntoTheEvent(Case c) {
        TelephoneEvent event = TelephoneEvent.parse(c.bytes(), 0, c.bytes().length);
        assertEquals(c.event(), event);
        assertEquals(c.digit(), event.digit());
        byte[] written = new byte[4];
        c.event().writeTo(written, 0);
        assertArrayEquals(c.bytes(), written);
    }

    @Test
    void aPayloadShorterThanFourBytesIsNull() {
        assertNull(TelephoneEvent.parse(new byte[] {1, 2, 3}, 0, 3));
    }

    @Test
    void eachDigitIsReportedOnceDespiteTheRepeatedEndPackets() {
        DigitDeduplicator dedup = new DigitDeduplicator();
        List<Character> digits = new ArrayList<>();
        // "1", "1", "2": every event has three progress packets and three end packets
        long[] timestamps = {8000, 9600, 11200};
        int[] events = {1, 1, 2};
        for (int i = 0; i < events.length; i++) {
            for (int packet = 0; packet < 6; packet++) {
                TelephoneEvent e = new TelephoneEvent(events[i], packet >= 3, 10, 160 * (packet + 1));
                char digit = dedup.onPacket(timestamps[i], e);
                if (digit != 0) {
                    digits.add(digit);
                }
            }
        }
        assertEquals(List.of('1', '1', '2'), digits);
    }
}
