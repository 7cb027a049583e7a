package dev.xiaoer.loadtest.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of another process on this Linux machine, from {@code /proc/PID/stat}; NaN elsewhere or when gone. */
final class ProcessCpu {

    /** Linux reports these fields in USER_HZ, which is 100 on every architecture the kernel exports to. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** User plus system CPU seconds the process has used so far. */
    static double seconds(long pid) {
        if (pid <= 0) {
            return Double.NaN;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
