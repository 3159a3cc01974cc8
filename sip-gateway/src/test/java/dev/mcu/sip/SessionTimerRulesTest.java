package dev.mcu.sip;

import dev.mcu.sip.SessionTimerRules.Ask;
import dev.mcu.sip.SessionTimerRules.NoTimer;
import dev.mcu.sip.SessionTimerRules.Timer;
import dev.mcu.sip.SessionTimerRules.TooSmall;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 4028's rules as the answering side applies them (§8.1, §9, §10). */
class SessionTimerRulesTest {
    private final SessionTimerRules rules = new SessionTimerRules(1800, 90);

    @Test
    void noSessionExpiresNoTimer() {
        assertEquals(new NoTimer(), rules.decide(new Ask(Ask.NONE, null, Ask.NONE, true)));
    }

    @Test
    void anIntervalBelowOurMinimumGets422WithOurMinSe() {
        assertEquals(new TooSmall(90), rules.decide(new Ask(60, "uac", Ask.NONE, true)));
        // A Min-SE the caller already learned from a proxy is never lowered.
        assertEquals(new TooSmall(120), rules.decide(new Ask(60, null, 120, true)));
    }

    @Test
    void theCallerRefreshesWhenItSupportsTimersAndDidNotHandItToUs() {
        assertEquals(new Timer(600, true, true), rules.decide(new Ask(600, "uac", Ask.NONE, true)));
        assertEquals(new Timer(600, true, true), rules.decide(new Ask(600, null, Ask.NONE, true)));
        assertEquals(new Timer(600, false, true), rules.decide(new Ask(600, "uas", Ask.NONE, true)));
    }

    @Test
    void aCallerWithoutTimerSupportIsRefreshedByUsAndNotRequiredToSupportIt() {
        // Session-Expires put in by a proxy: the phone itself cannot refresh.
        assertEquals(new Timer(600, false, false), rules.decide(new Ask(600, "uac", Ask.NONE, false)));
    }

    @Test
    void aLongerIntervalIsShortenedToOurMaximumButNeverBelowMinSe() {
        assertEquals(1800, ((Timer) rules.decide(new Ask(7200, null, Ask.NONE, true))).seconds());
        assertEquals(2000, ((Timer) rules.decide(new Ask(7200, null, 2000, true))).seconds());
        assertEquals(90, ((Timer) rules.decide(new Ask(90, null, Ask.NONE, true))).seconds());
    }

    @Test
    void theNonRefresherGivesUpAThirdOr32SecondsBeforeTheEndAndTheRefresherRefreshesHalfway() {
        Timer longOne = new Timer(1800, true, true);
        assertEquals(1_768_000, longOne.expiryMillis());
        assertEquals(900_000, longOne.refreshMillis());
        Timer shortOne = new Timer(90, true, true);
        assertEquals(60_000, shortOne.expiryMillis());
        assertEquals(45_000, shortOne.refreshMillis());
    }

    @Test
    void limitsMustMakeSense() {
        assertThrows(IllegalArgumentException.class, () -> new SessionTimerRules(60, 90));
        assertThrows(IllegalArgumentException.class, () -> new SessionTimerRules(1800, 0));
    }
}
