package dev.mcu.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module graph of docs/design.md, checked on the compiled main classes of every module: each
 * module's packages may use only the modules listed for it, and no two packages depend on each
 * other in a cycle. A wrong-way import fails the build here with the offending class named.
 */
class ArchitectureTest {

    /** A module, the packages it owns, and the modules of ours it may use. */
    record Module(String name, List<String> packages, List<String> mayUse) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Module> MODULES = List.of(
            new Module("media", List.of("dev.mcu.media.."), List.of()),
            new Module("layouts", List.of("dev.mcu.layouts.."), List.of()),
            new Module("webrtc", List.of("dev.mcu.webrtc.."), List.of("media")),
            new Module("sdp", List.of("dev.mcu.sdp.."), List.of("media", "webrtc")),
            new Module("transport", List.of("dev.mcu.transport.."), List.of("media", "webrtc")),
            new Module("decoder", List.of("dev.mcu.decoder.."), List.of("media")),
            new Module("encoder", List.of("dev.mcu.encoder.."), List.of("media")),
            new Module("mixer", List.of("dev.mcu.mixer.."), List.of("media", "layouts")),
            new Module("conference", List.of("dev.mcu.conference.."),
                    List.of("media", "layouts", "decoder", "encoder", "mixer", "transport", "webrtc")),
            new Module("egress", List.of("dev.mcu.egress.."), List.of("media", "encoder")),
            new Module("sip-gateway", List.of("dev.mcu.sip.."), List.of("media", "sdp", "transport", "webrtc")),
            new Module("mcu-app", List.of("dev.mcu.app.."),
                    List.of("media", "layouts", "webrtc", "sdp", "transport", "decoder", "encoder", "mixer",
                            "conference", "egress", "sip-gateway")));

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // other modules' test doubles
                .importPackages("dev.mcu");
    }

    static Stream<Module> modules() {
        return MODULES.stream();
    }

    @ParameterizedTest(name = "{0} uses only the modules below it")
    @MethodSource("modules")
    void eachModuleUsesOnlyTheModulesBelowIt(Module module) {
        List<String> allowed = new ArrayList<>(module.packages());
        for (String used : module.mayUse()) {
            allowed.addAll(MODULES.stream().filter(m -> m.name().equals(used)).findFirst().orElseThrow().packages());
        }
        classes().that().resideInAnyPackage(module.packages().toArray(String[]::new))
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.mcu..")
                        .or(resideInAnyPackage(allowed.toArray(String[]::new))))
                .because("docs/design.md: " + module.name() + " may use only " + module.mayUse())
                .check(mainClasses);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.mcu.(**)").should().beFreeOfCycles().check(mainClasses);
    }

    @Test
    void everyPackageOfOursBelongsToAModule() {
        classes().that().resideInAPackage("dev.mcu..")
                .should().resideInAnyPackage(MODULES.stream().flatMap(m -> m.packages().stream()).toArray(String[]::new))
                .because("a new package needs a line in MODULES (and in docs/design.md's module graph)")
                .check(mainClasses);
    }
}
