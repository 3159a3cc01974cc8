package dev.mcu.conference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerialExecutorTest {

    @Test
    void aFailingTaskIsLoggedAndTheNextOneStillRuns() {
        // The class's own logger, looked up in logback to watch what it writes.
        var logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(SerialExecutor.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            List<String> ran = new ArrayList<>();
            SerialExecutor serial = new SerialExecutor(Runnable::run);

            serial.execute(() -> {
                throw new IllegalStateException("corrupt packet");
            });
            serial.execute(() -> ran.add("next"));

            assertEquals(List.of("next"), ran);
            assertEquals(1, appender.list.size());
            ILoggingEvent event = appender.list.get(0);
            assertEquals(Level.ERROR, event.getLevel());
            assertTrue(event.getFormattedMessage().contains("corrupt packet"), event.getFormattedMessage());
            assertEquals("corrupt packet", event.getThrowableProxy().getMessage());
        } finally {
            logger.detachAppender(appender);
        }
    }
}
