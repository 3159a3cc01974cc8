package dev.mcu.sip;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RoomNameTest {

    @ParameterizedTest(name = "{0} is the room {1}")
    @CsvSource(delimiter = '|', value = {
            "board|board",
            "town%20hall|town hall",
            "caf%C3%A9|café",
            "100%25|100%",
            "half%2|half%2",       // malformed escape: kept as sent
            "bad%ZZ|bad%ZZ",
            "%FF%FE|%FF%FE"        // not UTF-8: kept as sent
    })
    void escapesInTheRequestUriUserAreDecodedSoRoomsAreNamedAsTyped(String sent, String room) {
        assertEquals(room, InviteProcessor.unescape(sent));
    }
}
