package io.djlkernel.djl.devices;

import io.djlkernel.djl.TestKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The djl.devices comm protocol, driven as a front end would, with recorded GPU readings. */
public class DevicesCommTest {
    public static final GpuReading H100 = new GpuReading(0, "NVIDIA H100 80GB HBM3", "GPU-1", "00000000:19:00.0", 1234L,
            81559L, 7, 2, 34, 71.5, 700.0, "9.0", "550.90.07", "test");

    @AfterEach
    void restore() {
        GpuStatus.setSource(null);
    }

    @Test
    void pushesReadingsAtTheRequestedRateUntilClosed() throws Exception {
        GpuStatus.setSource(() -> List.of(H100));
        DevicesComm target = new DevicesComm();
        TestKernel.FakeComm comm = new TestKernel.FakeComm();
        target.opened(comm, Map.of("interval_ms", 100));
        Thread.sleep(560);
        int n = comm.sent.size();
        assertTrue(n >= 4 && n <= 8, "about 6 readings in 560 ms at 100 ms, got " + n);
        Map<String, Object> first = comm.sent.get(0);
        assertTrue(first.get("timestamp") instanceof Long);
        assertEquals(false, first.get("cpu_only"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> devices = (List<Map<String, Object>>) first.get("devices");
        assertEquals("NVIDIA H100 80GB HBM3", devices.get(0).get("name"));
        assertEquals(1234L, devices.get(0).get("memory_used_mib"));
        assertTrue(first.get("host") instanceof Map);

        comm.fromFrontEnd(Map.of("pause", true));
        Thread.sleep(150);
        int paused = comm.sent.size();
        Thread.sleep(350);
        assertEquals(paused, comm.sent.size(), "no readings while paused");
        comm.fromFrontEnd(Map.of("refresh", true));
        Thread.sleep(100);
        assertEquals(paused + 1, comm.sent.size(), "refresh sends one reading even when paused");

        comm.fromFrontEnd(Map.of("pause", false, "interval_ms", 300));
        int resumed = comm.sent.size();
        Thread.sleep(650);
        int m = comm.sent.size() - resumed;
        assertTrue(m >= 2 && m <= 4, "about 3 readings in 650 ms at 300 ms, got " + m);
        assertEquals(300L, comm.sent.get(comm.sent.size() - 1).get("interval_ms"));

        comm.closeFromFrontEnd();
        Thread.sleep(50);
        int closed = comm.sent.size();
        Thread.sleep(400);
        assertEquals(closed, comm.sent.size(), "nothing after close");
        assertEquals(0, target.openFeeds());
        target.shutdown();
    }

    @Test
    void cpuOnlyReadingsAreAnEmptyList() throws Exception {
        GpuStatus.setSource(List::of);
        DevicesComm target = new DevicesComm();
        TestKernel.FakeComm comm = new TestKernel.FakeComm();
        target.opened(comm, Map.of()); // default 1000 ms: the first reading is immediate
        Thread.sleep(150);
        assertEquals(1, comm.sent.size());
        assertEquals(new ArrayList<>(), comm.sent.get(0).get("devices"));
        assertEquals(true, comm.sent.get(0).get("cpu_only"));
        target.shutdown();
    }

    @Test
    void intervalIsClamped() {
        assertEquals(DevicesComm.MIN_INTERVAL, DevicesComm.interval(Map.of("interval_ms", 1), 1000));
        assertEquals(DevicesComm.MAX_INTERVAL, DevicesComm.interval(Map.of("interval_ms", 1e9), 1000));
        assertEquals(250, DevicesComm.interval(Map.of("interval_ms", "250"), 1000));
        assertEquals(1000, DevicesComm.interval(Map.of("interval_ms", "fast"), 1000));
    }

    @Test
    void readingsKeepComingWhileTheCallerIsBusy() throws Exception {
        // the feed runs on its own daemon thread: a busy cell thread does not stop it
        GpuStatus.setSource(() -> List.of(H100));
        DevicesComm target = new DevicesComm();
        TestKernel.FakeComm comm = new TestKernel.FakeComm();
        target.opened(comm, Map.of("interval_ms", 100));
        long end = System.currentTimeMillis() + 400;
        double x = 0;
        while (System.currentTimeMillis() < end) x += Math.sqrt(x + 1); // a "cell" keeping this thread busy
        assertTrue(comm.sent.size() >= 3, "got " + comm.sent.size() + " readings (" + x + ")");
        target.shutdown();
    }
}
