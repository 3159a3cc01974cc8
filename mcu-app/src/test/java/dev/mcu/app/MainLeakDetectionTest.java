package dev.mcu.app;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The running server leaves Netty's leak detector off (it records a stack trace per sampled buffer on
 * the media event loops) unless the operator set a level, which it keeps: these tests themselves run
 * with {@code -Dio.netty.leakDetection.level=paranoid}.
 */
class MainLeakDetectionTest {
    private static final String PROPERTY = "io.netty.leakDetection.level";

    @Test
    void aLevelTheOperatorSetIsKept() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        String asked = System.getProperty(PROPERTY);
        try {
            System.setProperty(PROPERTY, "paranoid");
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            Main.leakDetectionOffUnlessAsked();
            assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
        } finally {
            restore(asked, before);
        }
    }

    @Test
    void withoutOneTheServerTurnsItOff() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        String asked = System.getProperty(PROPERTY);
        try {
            System.clearProperty(PROPERTY);
            Main.leakDetectionOffUnlessAsked();
            assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
        } finally {
            restore(asked, before); // the rest of this JVM's tests run paranoid again
        }
    }

    private static void restore(String asked, ResourceLeakDetector.Level level) {
        if (asked == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, asked);
        }
        ResourceLeakDetector.setLevel(level);
    }
}
