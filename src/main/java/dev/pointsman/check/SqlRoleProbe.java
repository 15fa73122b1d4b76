package dev.pointsman.check;

import dev.pointsman.config.HealthCheck.RoleCheck;
import dev.pointsman.net.Cancellable;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Pointsman's {@code option pgsql-role-check}: log in with the PostgreSQL JDBC driver and run
 * {@code select pg_is_in_recovery()}; the check passes when the answer matches the expected role
 * (PRIMARY: false, REPLICA: true).
 *
 * <p>JDBC blocks, so each run goes to a small dedicated executor, never an event loop; the
 * checker keeps at most one run in flight per server. The driver's timeouts come from the check
 * timeouts (whole seconds, rounded up): {@code connectTimeout} = the connect timeout,
 * {@code socketTimeout} = the answer timeout (or {@code inter}), {@code loginTimeout} = the whole
 * check. Cancelling aborts the connection.
 *
 * <p>Verdicts: L7OK when the role matches; L7STS when it does not ("in recovery: true
 * (expected: primary)"); L4CON / L4TOUT when the connection fails; L7TOUT when the query times
 * out; L7RSP for any other SQL error, with its message.
 */
final class SqlRoleProbe implements Probe {
    private final Executor executor;
    private final Supplier<InetSocketAddress> target;
    private final RoleCheck role;
    private final ProbeTimeouts timeouts;

    SqlRoleProbe(Executor executor, Supplier<InetSocketAddress> target, RoleCheck role, ProbeTimeouts timeouts) {
        this.executor = executor;
        this.target = target;
        this.role = role;
        this.timeouts = timeouts;
    }

    @Override
    public Cancellable start(Consumer<ProbeOutcome> done) {
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicReference<Connection> open = new AtomicReference<>();
        long start = System.nanoTime();
        Runnable run = () -> {
            if (cancelled.get()) {
                return;
            }
            CheckResult result = check(open, start);
            if (!cancelled.get()) {
                done.accept(ProbeOutcome.of(result));
            }
        };
        try {
            executor.execute(run);
        } catch (RejectedExecutionException e) {
            done.accept(ProbeOutcome.of(CheckResult.of(CheckStatus.SOCKERR, "no SQL probe thread available",
                    Duration.ofNanos(System.nanoTime() - start))));
            return Cancellable.NONE;
        }
        return () -> {
            cancelled.set(true);
            Connection c = open.getAndSet(null);
            if (c != null) {
                try {
                    c.abort(Runnable::run);
                } catch (SQLException | RuntimeException ignored) {
                    // the run ends with an error that nobody reads
                }
            }
        };
    }

    String url() {
        InetSocketAddress a = target.get();
        String host = a.getHostString().indexOf(':') >= 0 ? "[" + a.getHostString() + "]" : a.getHostString();
        return "jdbc:postgresql://" + host + ":" + a.getPort() + "/" + role.database();
    }

    Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", role.user());
        role.password().ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("connectTimeout", seconds(timeouts.connect()));
        p.setProperty("socketTimeout", seconds(timeouts.answer().orElse(timeouts.inter())));
        p.setProperty("loginTimeout", seconds(timeouts.total()));
        p.setProperty("ApplicationName", "pointsman-check");
        p.setProperty("tcpKeepAlive", "false");
        return p;
    }

    private CheckResult check(AtomicReference<Connection> open, long start) {
        try (Connection c = DriverManager.getConnection(url(), properties())) {
            open.set(c);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_is_in_recovery()")) {
                if (!rs.next()) {
                    return CheckResult.of(CheckStatus.L7RSP, "pg_is_in_recovery() returned no row", since(start));
                }
                boolean inRecovery = rs.getBoolean(1);
                boolean wanted = role.expect() == RoleCheck.Role.REPLICA;
                if (inRecovery == wanted) {
                    return CheckResult.of(CheckStatus.L7OK, inRecovery ? "PostgreSQL is a replica (in recovery)"
                            : "PostgreSQL is primary (not in recovery)", since(start));
                }
                return CheckResult.of(CheckStatus.L7STS, "in recovery: " + inRecovery + " (expected: "
                        + role.expect().name().toLowerCase(java.util.Locale.ROOT) + ")", since(start));
            }
        } catch (SQLException e) {
            return classify(e, open.get() != null, since(start));
        } catch (RuntimeException e) {
            return CheckResult.of(CheckStatus.SOCKERR, String.valueOf(e.getMessage()), since(start));
        } finally {
            open.set(null);
        }
    }

    static CheckResult classify(SQLException e, boolean connected, Duration elapsed) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return CheckResult.of(connected ? CheckStatus.L7TOUT : CheckStatus.L4TOUT, "", elapsed);
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return CheckResult.of(CheckStatus.L4CON, NettyProbe.errorText(t), elapsed);
            }
        }
        String state = e.getSQLState();
        if (!connected && state != null && state.startsWith("08")) {
            return CheckResult.of(CheckStatus.L4CON, String.valueOf(e.getMessage()), elapsed);
        }
        return CheckResult.of(CheckStatus.L7RSP, String.valueOf(e.getMessage()), elapsed);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static String seconds(Duration d) {
        long s = (d.toMillis() + 999) / 1000;
        return Long.toString(Math.max(1, s));
    }
}
