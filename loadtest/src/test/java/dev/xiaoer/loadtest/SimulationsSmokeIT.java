package dev.xiaoer.loadtest;

import dev.xiaoer.loadtest.report.GatlingReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smoke runs in {@code mvn verify}: every simulation and the lean driver, a few users for a few seconds,
 * against a real gateway started from its jar on a free port with a fresh data folder and the load-test config, so
 * that the simulations never rot. A failed check in any of them fails the build. Speed is not asserted here (CI has
 * 2 shared cores); the figures are for run.sh.
 */
class SimulationsSmokeIT {

    private static final Path RESULTS = Path.of(property("loadtest.results"));
    private static final long RUN_SECONDS = 120;

    private static Process gateway;
    private static int port;

    @BeforeAll
    static void startGateway() throws Exception {
        Path jar = Path.of(property("loadtest.gatewayJar"));
        assertTrue(Files.isRegularFile(jar), "no gateway jar at " + jar + ": build it first with "
                + "mvn -B -DskipTests -pl gateway -am package (the reactor builds it before loadtest)");
        Path data = Files.createTempDirectory("xiaoer-smoke-data");
        Path log = RESULTS.resolve("gateway.log");
        gateway = ChildProcesses.java(List.of("-Xmx256m", "-jar", jar.toString(),
                "--config", property("loadtest.gatewayConfig"), "--port", "0", "--data", data.toString()), log);
        port = ChildProcesses.awaitListening(gateway, log, 60);
    }

    @AfterAll
    static void stopGateway() {
        ChildProcesses.stop(gateway);
    }

    @Test
    void buyersAskingTheFaqGetTheAnswersTheEngineGives() throws Exception {
        Path results = gatling("FaqChatSimulation", true, "-Dusers=5", "-Dramp=1", "-Dduration=4", "-Dthink=200");
        // The summary reads Gatling's report page: make sure it still can, on the real thing.
        GatlingReport report = GatlingReport.find(results).orElseThrow();
        GatlingReport.Row reply = report.row("reply").orElseThrow();
        assertTrue(reply.ok() > 0, "no reply counted in " + report.index());
        assertEquals(0, reply.ko());
        assertTrue(report.row(GatlingReport.ALL).isPresent());
    }

    @Test
    void aReconnectStormLosesAndDoublesNothing() throws Exception {
        gatling("ReconnectStormSimulation", false, "-Dusers=8", "-Dramp=1", "-Dbefore=2", "-Dafter=2",
                "-Dthink=100", "-DstormAfter=2");
    }

    @Test
    void everyBuyerWhoAsksForAPersonGetsAnAgentsReply() throws Exception {
        gatling("HandoffSimulation", false, "-Dusers=4", "-Dramp=1", "-Dduration=3", "-Dthink=100", "-Dagents=2");
    }

    @Test
    void idleConnectionsStayOpenAndAnswerPings() throws Exception {
        gatling("ConnectionsSimulation", false, "-Dusers=20", "-Dramp=2", "-Dduration=4", "-DpingEvery=1");
    }

    @Test
    void theLeanDriverGetsTheRightAnswerToEveryQuestion() throws Exception {
        Path log = RESULTS.resolve("lean-driver.log");
        Process driver = ChildProcesses.java(javaArgs("dev.xiaoer.loadtest.driver.LeanDriver",
                "--url", "ws://127.0.0.1:" + port + "/ws/chat", "--connections", "4", "--in-flight", "2",
                "--warmup", "1", "--duration", "2"), log);
        int exit = ChildProcesses.await(driver, RUN_SECONDS);
        assertEquals(0, exit, "the lean driver saw problems:\n" + ChildProcesses.tail(log, 30));
        assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains("result      OK"));
    }

    /** Runs a simulation in its own JVM against the gateway; fails with Gatling's output if it fails. */
    private static Path gatling(String simulation, boolean reports, String... properties) throws Exception {
        Path results = RESULTS.resolve(simulation);
        List<String> args = new ArrayList<>(List.of("-Xmx512m", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Durl=ws://127.0.0.1:" + port));
        args.addAll(List.of(properties));
        args.addAll(javaArgs("io.gatling.app.Gatling", "-s", "dev.xiaoer.loadtest.simulations." + simulation,
                "-rf", results.toString()));
        if (!reports) {
            args.add("-nr");
        }
        Path log = RESULTS.resolve(simulation + ".log");
        int exit = ChildProcesses.await(ChildProcesses.java(args, log), RUN_SECONDS);
        assertEquals(0, exit, simulation + " failed (exit " + exit + "):\n" + ChildProcesses.tail(log, 40));
        return results;
    }

    private static List<String> javaArgs(String mainClass, String... args) throws IOException {
        String classpath = property("loadtest.testClasses") + java.io.File.pathSeparator
                + property("loadtest.classes") + java.io.File.pathSeparator
                + Files.readString(Path.of(property("loadtest.classpathFile")), StandardCharsets.UTF_8).trim();
        List<String> out = new ArrayList<>(List.of("-cp", classpath, mainClass));
        out.addAll(List.of(args));
        return out;
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        if (v == null) {
            throw new IllegalStateException("system property " + name + " is not set: run through Maven "
                    + "(mvn -B -pl loadtest -am verify), which sets it from loadtest/pom.xml");
        }
        return v;
    }
}
