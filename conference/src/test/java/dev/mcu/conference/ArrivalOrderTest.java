package dev.mcu.conference;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ArrivalOrderTest {
    /** A lane that runs each entry at once and remembers the order. */
    private final List<String> entered = new ArrayList<>();
    private final Executor lane = Runnable::run;

    private Runnable enter(String who) {
        return () -> entered.add(who);
    }

    @Test
    void aLaterArrivalBuiltFirstWaitsForTheEarlierOneAndBothEnterInArrivalOrder() {
        ArrivalOrder order = new ArrivalOrder(lane);
        ArrivalOrder.Place red = order.arrive();
        ArrivalOrder.Place green = order.arrive();
        ArrivalOrder.Place blue = order.arrive();

        order.ready(green, enter("green"), () -> { });
        assertEquals(List.of(), entered, "red is still opening its codecs");
        order.ready(red, enter("red"), () -> { });
        assertEquals(List.of("red", "green"), entered);
        order.ready(blue, enter("blue"), () -> { });
        assertEquals(List.of("red", "green", "blue"), entered);
    }

    @Test
    void anArrivalWhoseBuildFailedDoesNotHoldUpTheOnesBehindIt() {
        ArrivalOrder order = new ArrivalOrder(lane);
        ArrivalOrder.Place broken = order.arrive();
        ArrivalOrder.Place next = order.arrive();

        order.ready(next, enter("next"), () -> { });
        order.abandon(broken);

        assertEquals(List.of("next"), entered);
    }

    @Test
    void entriesTheClosedLaneRefusesAreToldSoEachOnce() {
        List<String> refused = new ArrayList<>();
        ArrivalOrder order = new ArrivalOrder(task -> {
            throw new RejectedExecutionException("the room closed");
        });
        ArrivalOrder.Place first = order.arrive();
        ArrivalOrder.Place second = order.arrive();

        order.ready(second, enter("second"), () -> refused.add("second"));
        order.ready(first, enter("first"), () -> refused.add("first"));

        assertEquals(List.of("first", "second"), refused);
        assertEquals(List.of(), entered);
    }
}
