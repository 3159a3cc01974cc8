package dev.mcu.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code media.ioEngine} is read: auto's order, an explicit engine, and what is refused. */
class IoEngineTest {
    @Test
    void autoTakesEpollWhereItRunsElseNioAndSaysWhyItSkippedEpoll() {
        IoEngine.Choice choice = IoEngine.choose("auto");
        if (IoEngine.EPOLL.available()) {
            assertEquals(IoEngine.EPOLL, choice.engine());
            assertEquals("media.ioEngine: auto", choice.reason());
        } else {
            assertEquals(IoEngine.NIO, choice.engine());
            assertTrue(choice.reason().contains("epoll cannot run here"), choice.reason());
        }
    }

    @Test
    void aSettingThatNamesNoEngineIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoEngine.choose("kqueue"));
        assertEquals("media.ioEngine must be auto, io_uring, epoll or nio, got 'kqueue'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IoEngine.choose(null));
        assertTrue(IoEngine.isSetting(" IO-URING "), "case, '-' for '_' and blanks aside");
    }

    @ParameterizedTest
    @EnumSource(IoEngine.class)
    void anEngineNamedExplicitlyIsTakenWhenItRunsAndItsLoopsAreRecognised(IoEngine engine) {
        if (!engine.available()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoEngine.choose(engine.setting()));
            assertTrue(e.getMessage().contains("cannot run here (" + engine.unavailableBecause() + ")")
                    && e.getMessage().contains("set media.ioEngine to auto"), e.getMessage());
            return;
        }
        assertEquals(engine, IoEngine.choose(engine.setting()).engine());
        assertNull(engine.unavailableBecause());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, engine.ioHandlerFactory());
        try {
            assertEquals(engine, IoEngine.of(group));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
