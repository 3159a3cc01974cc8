package dev.mcu.sip;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One SIP stack's front door: its flood limiter and the counters of what its
 * {@link GuardedMessageParserFactory parser hook} and {@link SipGuardValve valve} refused or dropped. JAIN-SIP creates those hooks itself by
 * class name, so they find their stack's guard here by stack name. Counters are atomics, bumped on
 * JAIN-SIP's receiving threads and read on any thread.
 */
final class SipGuard {
    private static final Map<String, SipGuard> BY_STACK = new ConcurrentHashMap<>();
    /** For a stack nobody registered (should not happen): counts into the void rather than failing. */
    private static final SipGuard UNREGISTERED = new SipGuard(SipFloodLimit.OFF);

    final AtomicLong malformedRefused = new AtomicLong();
    final AtomicLong malformedDropped = new AtomicLong();
    final AtomicLong responsesDropped = new AtomicLong();
    final AtomicLong floodLimited = new AtomicLong();
    final SipFloodLimiter floodLimiter;
    /** 2xx answers to INVITEs being sent: their ACKs wait for the send to finish. */
    final AnswersInFlight answersInFlight = new AnswersInFlight();

    private SipGuard(SipFloodLimit limit) {
        floodLimiter = new SipFloodLimiter(limit);
    }

    static SipGuard register(String stackName, SipFloodLimit limit) {
        SipGuard guard = new SipGuard(limit);
        BY_STACK.put(stackName, guard);
        return guard;
    }

    static void unregister(String stackName) {
        BY_STACK.remove(stackName);
    }

    static SipGuard of(String stackName) {
        return BY_STACK.getOrDefault(stackName, UNREGISTERED);
    }

    SipProtocolCounters snapshot() {
        return new SipProtocolCounters(malformedRefused.get(), malformedDropped.get(), responsesDropped.get(),
                floodLimited.get(), 0);
    }
}
