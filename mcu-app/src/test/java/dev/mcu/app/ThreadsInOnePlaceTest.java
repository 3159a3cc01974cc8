package dev.mcu.app;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.netty.util.concurrent.EventExecutorGroup;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Every thread and pool of the server is made by {@link Threads} (docs/design.md, "Threads"): no
 * other main class starts a thread, builds a pool or event loop group, or hands work to the common
 * pool. Lower modules take executors and thread factories as constructor arguments.
 */
class ThreadsInOnePlaceTest {
    /**
     * Classes allowed to build a pool or thread themselves, and why: ThreadedMediaClock builds each
     * room lane's one-thread scheduler with the thread factory Threads gives it; Egress (a thread per
     * output) and RoomEgresses (a closer thread) came with the egress API and should take a thread
     * factory from Threads, then they go from this list. The load benchmark's clients are not the server.
     */
    private static final String EXEMPT = "dev\\.mcu\\.conference\\.ThreadedMediaClock(\\$.*)?"
            + "|dev\\.mcu\\.egress\\.Egress|dev\\.mcu\\.app\\.egress\\.RoomEgresses(\\$.*)?"
            + "|dev\\.mcu\\.app\\.events\\.WebhookSender"; // its one sender thread: to take a factory from Threads

    private static final DescribedPredicate<JavaCall<?>> MAKES_THREADS = new DescribedPredicate<>(
            "start a thread, build a pool or event loop group, or use the common pool") {
        @Override
        public boolean test(JavaCall<?> call) {
            var owner = call.getTargetOwner();
            String name = call.getName();
            if (name.equals("<init>")) {
                return owner.isAssignableTo(Thread.class) || owner.isAssignableTo(ThreadPoolExecutor.class)
                        || owner.isAssignableTo(ForkJoinPool.class) || owner.isAssignableTo(EventExecutorGroup.class);
            }
            if (owner.isEquivalentTo(Executors.class)) {
                return name.startsWith("new") || name.startsWith("unconfigurable");
            }
            if (owner.isEquivalentTo(CompletableFuture.class)) { // the async forms without an executor
                return (name.equals("runAsync") || name.equals("supplyAsync")) && call.getTarget().getRawParameterTypes().size() == 1;
            }
            return false;
        }
    };

    @Test
    void onlyThreadsMakesThreads() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.mcu");
        noClasses().that().doNotHaveFullyQualifiedName(Threads.class.getName())
                .and().haveNameNotMatching(EXEMPT)
                .and().resideOutsideOfPackage("dev.mcu.bench..")
                .should().callCodeUnitWhere(MAKES_THREADS)
                .because("threads are created in dev.mcu.app.Threads and passed down (docs/design.md, Threads)")
                .check(main);
    }
}
