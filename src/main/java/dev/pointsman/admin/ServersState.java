package dev.pointsman.admin;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.check.CheckReport;
import dev.pointsman.check.CheckStatus;
import dev.pointsman.config.ServerConfig;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code show servers state}: HAProxy's server-state format, version 1 ({@code src/proxy.c}
 * {@code dump_servers_state}, field names {@code SRV_STATE_FILE_FIELD_NAMES}), one line per server
 * with HAProxy's numeric codes:
 *
 * <pre>
 * srv_op_state     0 stopped (DOWN, or in maintenance), 2 running
 * srv_admin_state  flags: 0x01 forced maintenance, 0x04 "disabled" in the configuration (kept
 *                  after it is enabled, as in HAProxy), 0x08 forced drain
 * srv_check_status HAProxy's HCHK_STATUS_* number of the last check (1 = INI before any)
 * srv_check_result 0 unknown, 2 failed, 3 passed, 4 conditionally passed
 * srv_check_state  6 = configured and enabled, 0 without check
 * </pre>
 *
 * Pointsman has no agent checks, SSL to servers, SRV records or forced ids: those fields are 0 or
 * "-", as HAProxy prints them when unset. Compared with HAProxy 2.6.12 on the same configuration,
 * two fields differ: {@code be_id} counts the sections from 1 as the stats CSV's {@code iid} does
 * (HAProxy numbers its CLI's own frontend first when a stats socket is configured), and a server
 * without check has health {@code rise} except while in maintenance (HAProxy keeps 0 once it has
 * been in maintenance, and prints check state 8 for one disabled in the configuration). Reads
 * volatile state only.
 */
final class ServersState {
    private ServersState() {}

    static final String HEADER = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state"
            + " srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result"
            + " srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port"
            + " srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n";

    static String render(List<Backend> backends, AdminContext context) {
        StringBuilder sb = new StringBuilder(HEADER.length() + 128 * backends.size()).append(HEADER);
        long now = context.nanoClock().getAsLong();
        for (Backend b : backends) {
            int beId = context.proxyId(b.name());
            for (Server s : b.servers()) {
                line(sb, beId, b.name(), s, now);
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, int beId, String backend, Server s, long now) {
        ServerConfig c = s.config();
        Optional<CheckReport> last = s.lastCheck();
        boolean maint = s.adminState() == Server.AdminState.MAINT;
        int opState = !maint && s.opState() == Server.OpState.UP ? 2 : 0;
        int admin = (maint ? 0x01 : 0) | (c.disabled() ? 0x04 : 0) | (s.adminState() == Server.AdminState.DRAIN ? 0x08 : 0);
        int checkPort = c.checkPort().orElse(0);
        sb.append(beId).append(' ').append(backend).append(' ')
                .append(c.id()).append(' ').append(s.name()).append(' ').append(address(c)).append(' ')
                .append(opState).append(' ').append(admin).append(' ')
                .append(s.weight()).append(' ').append(s.initialWeight()).append(' ')
                .append(Math.max(0, TimeUnit.NANOSECONDS.toSeconds(now - s.lastChangeNanos()))).append(' ')
                .append(c.check() ? last.map(r -> code(r.result().status())).orElse(1) : 1).append(' ')
                .append(c.check() ? last.map(ServersState::result).orElse(0) : 0).append(' ')
                .append(health(s, last)).append(' ')
                .append(c.check() ? 6 : 0).append(' ')
                .append("0 0 0 ")
                .append(fqdn(c)).append(' ').append(c.port()).append(' ')
                .append("- 0 ")
                .append(checkPort).append(' ').append(c.checkAddr().orElse("-")).append(' ')
                .append("- ").append(checkPort).append('\n');
    }

    /** HAProxy's {@code srv_check_health}: the rise/fall counter; a server without check counts as fully risen unless in maintenance. */
    private static int health(Server s, Optional<CheckReport> last) {
        if (!s.config().check()) {
            return s.adminState() == Server.AdminState.MAINT ? 0 : s.config().rise();
        }
        return last.map(r -> r.state().health()).orElse(0);
    }

    private static int result(CheckReport r) {
        CheckStatus st = r.result().status();
        if (st == CheckStatus.L7OKC) {
            return 4;
        }
        return st.passed() ? 3 : st.failed() ? 2 : 0;
    }

    /** HAProxy's {@code HCHK_STATUS_*} numbers. */
    static int code(CheckStatus s) {
        return switch (s) {
            case INI -> 1;
            case SOCKERR -> 5;
            case L4OK -> 6;
            case L4TOUT -> 7;
            case L4CON -> 8;
            case L6OK -> 9;
            case L6TOUT -> 10;
            case L6RSP -> 11;
            case L7TOUT -> 12;
            case L7RSP -> 13;
            case L7OK -> 15;
            case L7OKC -> 16;
            case L7STS -> 17;
        };
    }

    private static String address(ServerConfig c) {
        return c.address().isUnresolved() ? "-" : c.address().getAddress().getHostAddress();
    }

    /** The name the server was configured with, when it is not an address (HAProxy's {@code srv->hostname}). */
    private static String fqdn(ServerConfig c) {
        String h = c.host();
        boolean literal = h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":");
        return literal || h.isEmpty() ? "-" : h;
    }
}
