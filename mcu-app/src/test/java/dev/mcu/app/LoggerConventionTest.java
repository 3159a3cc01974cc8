package dev.mcu.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One way to get a logger, in every module's sources (main and test):
 * {@code private static final Logger log = LoggerFactory.getLogger(ThisClass.class);}, so a log
 * line's logger name is the class that wrote it and grep finds every logger the same way. The two
 * JAIN-SIP bridges log under the name of what they bridge, on purpose.
 */
class LoggerConventionTest {
    private static final Pattern DECLARATION =
            Pattern.compile("private static final Logger log = LoggerFactory\\.getLogger\\((\\w+)\\.class\\);");
    private static final Pattern NAMED_DECLARATION =
            Pattern.compile("private static final Logger log = LoggerFactory\\.getLogger\\(\"[\\w.]+\"\\);");
    /** Bridges that log under the library's name (operators filter on it), not their own. */
    private static final Set<String> NAMED_AFTER_WHAT_THEY_BRIDGE = Set.of("Slf4jStackLogger.java", "Slf4jServerLogger.java");

    @Test
    void everyLoggerIsAPrivateStaticFinalLogNamedAfterItsClass() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(LoggerConventionTest::isSource).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).trim();
                    if (!line.contains("LoggerFactory.getLogger(") && !line.matches(".*\\bLogger\\s+\\w+\\s*[=;].*")) {
                        continue;
                    }
                    checked++;
                    String name = file.getFileName().toString();
                    if (!follows(line, name)) {
                        wrong.add(root.relativize(file) + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        assertTrue(checked > 15, "found only " + checked + " loggers under " + root + ": is the scan looking in the right place?");
        assertTrue(wrong.isEmpty(), "write loggers as 'private static final Logger log = LoggerFactory.getLogger(ThisClass.class);':\n"
                + String.join("\n", wrong));
    }

    private static boolean follows(String line, String fileName) {
        Matcher m = DECLARATION.matcher(line);
        if (m.matches()) {
            return fileName.equals(m.group(1) + ".java");
        }
        return NAMED_AFTER_WHAT_THEY_BRIDGE.contains(fileName) && NAMED_DECLARATION.matcher(line).matches();
    }

    private static boolean isSource(Path file) {
        String path = file.toString().replace('\\', '/');
        return path.endsWith(".java") && (path.contains("/src/main/java/") || path.contains("/src/test/java/"))
                && !path.contains("/target/") && !path.endsWith("/LoggerConventionTest.java"); // its patterns would match
    }
}
