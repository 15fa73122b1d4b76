package dev.pointsman.runtime;

import dev.pointsman.config.Config;
import dev.pointsman.log.AccessLog;
import dev.pointsman.log.TcpLogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses where finished sessions are logged. */
final class AccessLogs {
    private static final Logger ACCESS = LoggerFactory.getLogger("access");

    private AccessLogs() {}

    static AccessLog of(Config config) {
        return record -> {
            if (ACCESS.isInfoEnabled()) {
                ACCESS.info(TcpLogFormat.format(record));
            }
        };
    }
}
