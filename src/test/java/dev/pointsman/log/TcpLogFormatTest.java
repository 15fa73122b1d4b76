package dev.pointsman.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TcpLogFormatTest {

    private static TcpLogRecord record(long acceptMillis, String server, String termination) {
        return new TcpLogRecord(new InetSocketAddress("127.0.0.1", 40312), acceptMillis, "primary", "primary", server,
                0, 1, 5012, 2314, 120, termination, 3, 2, 1, 1, 0, 0, 0);
    }

    @Test
    void aFinishedSessionIsOneLineInHaproxysTcplogFormat() {
        long at = Instant.parse("2026-11-26T21:14:02.017Z").toEpochMilli();
        String date = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT)
                .withZone(ZoneId.systemDefault()).format(Instant.ofEpochMilli(at));

        assertThat(TcpLogFormat.format(record(at, "pg-1", "--")))
                .isEqualTo("127.0.0.1:40312 [" + date + "] primary primary/pg-1 0/1/5012 2314 -- 3/2/1/1/0 0/0");
    }

    @Test
    void theCachedSecondFollowsTheClockAndMillisecondsArePadded() {
        long at = Instant.parse("2026-11-26T21:14:02.999Z").toEpochMilli();
        DateTimeFormatter f = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT)
                .withZone(ZoneId.systemDefault());

        for (long t : new long[] {at, at + 1, at + 8, at + 1001}) {
            StringBuilder sb = new StringBuilder();
            TcpLogFormat.appendAcceptDate(sb, t);
            assertThat(sb.toString()).isEqualTo(f.format(Instant.ofEpochMilli(t)));
        }
    }
}
