package dev.mcu.encoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helper: splits an Annex B byte stream at its 00 00 01 / 00 00 00 01 start codes. */
final class NalUnits {
    private NalUnits() {
    }

    static List<byte[]> split(byte[] stream) {
        List<Integer> starts = new ArrayList<>();  // first byte after each start code
        List<Integer> codeStarts = new ArrayList<>();
        for (int i = 0; i + 2 < stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                codeStarts.add(i > 0 && stream[i - 1] == 0 ? i - 1 : i);
                starts.add(i + 3);
                i += 2;
            }
        }
        List<byte[]> nals = new ArrayList<>();
        for (int n = 0; n < starts.size(); n++) {
            int end = n + 1 < starts.size() ? codeStarts.get(n + 1) : stream.length;
            nals.add(Arrays.copyOfRange(stream, starts.get(n), end));
        }
        return nals;
    }

    static int type(byte[] nal) {
        return nal[0] & 0x1f;
    }
}
