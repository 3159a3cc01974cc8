package dev.mcu.app;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No Docker engine runs here: the image's properties are read from the Dockerfile itself. */
class DockerfileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static List<String> instructions() throws Exception {
        // join continued lines, drop comments
        String text = Files.readString(ROOT.resolve("Dockerfile")).replace("\\\n", " ");
        return text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static List<String> finalStage() throws Exception {
        List<String> all = instructions();
        int lastFrom = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        return all.subList(lastFrom, all.size());
    }

    @Test
    void theImageRunsAsAUserThatIsNotRoot() throws Exception {
        List<String> users = finalStage().stream().filter(l -> l.startsWith("USER ")).toList();
        assertFalse(users.isEmpty(), "the final stage sets a USER");
        String user = users.get(users.size() - 1).substring(5).trim();
        assertFalse(user.equals("root") || user.equals("0") || user.startsWith("0:"), "runs as " + user);
        assertTrue(finalStage().stream().anyMatch(l -> l.startsWith("RUN ") && l.contains("useradd") && l.contains(user)),
                "the user is created in the image");
    }

    @Test
    void aHealthCheckAsksHealthz() throws Exception {
        assertTrue(finalStage().stream().anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("/healthz")),
                "HEALTHCHECK on /healthz");
    }

    @Test
    void mavenDependenciesAreFetchedInALayerBeforeTheSourcesAreCopied() throws Exception {
        List<String> all = instructions();
        int copyAll = all.indexOf("COPY . .");
        assertTrue(copyAll > 0, "the sources are copied with COPY . .");
        int fetch = -1;
        for (int i = 0; i < copyAll; i++) {
            if (all.get(i).startsWith("RUN ") && all.get(i).contains("dependency:go-offline")) {
                fetch = i;
            }
        }
        assertTrue(fetch > 0, "dependencies are fetched before COPY . .");
        assertTrue(all.subList(0, fetch).stream().anyMatch(l -> l.equals("COPY pom.xml ./")),
                "only the POMs are copied before the fetch");
        for (String module : List.of("mcu-app", "sip-gateway", "media")) {
            assertTrue(all.subList(0, fetch).contains("COPY " + module + "/pom.xml " + module + "/"), module + "'s POM");
        }
    }

    @Test
    void theBuildContextLeavesOutTargetGitAndKeys() throws Exception {
        List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::trim).toList();
        for (String pattern : List.of("**/target/", ".git/", "**/*.p12", "**/mcu-admin.token")) {
            assertTrue(ignored.contains(pattern), ".dockerignore has " + pattern + ": " + ignored);
        }
    }

    @Test
    void everyModuleOfTheReactorHasItsPomCopiedForTheDependencyLayer() throws Exception {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        List<String> all = instructions();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (m.find()) {
            String module = m.group(1);
            assertTrue(all.contains("COPY " + module + "/pom.xml " + module + "/"),
                    "the Dockerfile copies " + module + "/pom.xml (a new module needs a line there)");
        }
    }
}
