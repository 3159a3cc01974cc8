package dev.mcu.sip;

import java.util.Locale;

/**
 * Reads the two legacy SIP INFO bodies phones send mid-call. Stateless.
 *
 * <pre>
 * application/media_control+xml (RFC 5168):
 *   &lt;media_control&gt;&lt;vc_primitive&gt;&lt;to_encoder&gt;&lt;picture_fast_update/&gt;...
 * application/dtmf-relay (de-facto, Cisco/Polycom/baresip):
 *   Signal=5
 *   Duration=160
 * </pre>
 */
final class InfoBodies {
    static final String MEDIA_CONTROL = "media_control+xml";
    static final String DTMF_RELAY = "dtmf-relay";
    private static final String DTMF_DIGITS = "0123456789*#ABCD";

    private InfoBodies() {
    }

    static boolean isPictureFastUpdate(String body) {
        return body != null && body.toLowerCase(Locale.ROOT).contains("picture_fast_update");
    }

    /** The digit of a dtmf-relay body, or 0 when it names none. Signal=10/11 mean * and #. */
    static char dtmfDigit(String body) {
        if (body == null) {
            return 0;
        }
        for (String line : body.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).trim().equalsIgnoreCase("signal")) {
                String v = line.substring(eq + 1).trim().toUpperCase(Locale.ROOT);
                if (v.equals("10")) {
                    return '*';
                }
                if (v.equals("11")) {
                    return '#';
                }
                return v.length() == 1 && DTMF_DIGITS.indexOf(v.charAt(0)) >= 0 ? v.charAt(0) : 0;
            }
        }
        return 0;
    }
}
