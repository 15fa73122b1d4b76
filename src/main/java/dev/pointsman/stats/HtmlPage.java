package dev.pointsman.stats;

import java.util.List;
import java.util.Optional;

/**
 * The stats page: one table per proxy as HAProxy draws it (FRONTEND, servers, BACKEND), readable
 * at a glance. No external assets, no JavaScript; a meta refresh when {@code stats refresh} is set.
 *
 * <p>Hooks for browser tests: {@code table#px-NAME}, rows {@code tr#fe-NAME}, {@code tr#be-NAME},
 * {@code tr#srv-PROXY-SERVER} with {@code data-status} (HAProxy's status) and
 * {@code data-standing} (UP, DOWN, STANDBY, MAINT, DRAIN, INIT), a {@code td.status} cell with
 * the text shown, and classes {@code tone-*} / {@code role-*} for the colour. A backend with
 * unacknowledged split-brain alerts gets a {@code div.alert#alert-NAME} above its table with the
 * last alert, and, for a client {@code stats admin} allows, a button that acknowledges them. A
 * primary pool that saw changes of primary gets a {@code table.changes#changes-NAME} below its own
 * with the newest ({@link Stats#PAGE_CHANGES}), rows {@code tr.open} while a change's window is open.
 *
 * <p>For a client {@code stats admin} allows, as HAProxy 2.6 draws it: every table has a first
 * column, each backend with servers is a {@code form method="post"} with a checkbox
 * {@code name="s"} per server, and under its table a {@code select name="action"} (the actions
 * Pointsman applies, {@link PageActions.Action}), a hidden {@code b=<backend name>} (HAProxy's
 * {@code #<iid>} is a position: a reload that inserts a section would aim an old page at another
 * backend) and a submit button. No
 * "check all" box: HAProxy's needs JavaScript. The outcome of the last POST ({@code ;st=CODE}) is
 * shown as {@code p#st} with HAProxy's message.
 */
final class HtmlPage {
    /** One column: its group header, its own header, the field it shows. */
    private record Column(String group, String title, Field field) {}

    /**
     * What an operator reads first comes first: the state (HAProxy's and Patroni's), then the
     * traffic. HAProxy's request-level columns (denied/errored requests) are left out: they are
     * always empty in TCP mode; the CSV and JSON still carry every field.
     */
    private static final List<Column> COLUMNS = List.of(
            new Column("Status", "Status", Field.STATUS), new Column("Status", "LastChk", Field.CHECK_STATUS),
            new Column("Patroni", "Role", Field.PATRONI_ROLE), new Column("Patroni", "State", Field.PATRONI_STATE),
            new Column("Patroni", "TL", Field.PATRONI_TIMELINE), new Column("Patroni", "Lag", Field.PATRONI_LAG),
            new Column("Patroni", "Restart", Field.PATRONI_PENDING_RESTART),
            new Column("Session rate", "Cur", Field.RATE), new Column("Session rate", "Max", Field.RATE_MAX),
            new Column("Sessions", "Cur", Field.SCUR), new Column("Sessions", "Max", Field.SMAX),
            new Column("Sessions", "Limit", Field.SLIM), new Column("Sessions", "Total", Field.STOT),
            new Column("Sessions", "LbTot", Field.LBTOT),
            new Column("Queue", "Cur", Field.QCUR), new Column("Queue", "Max", Field.QMAX),
            new Column("Queue", "Limit", Field.QLIMIT),
            new Column("Bytes", "In", Field.BIN), new Column("Bytes", "Out", Field.BOUT),
            new Column("Errors", "Conn", Field.ECON), new Column("Errors", "Retr", Field.WRETR),
            new Column("Errors", "Redis", Field.WREDIS),
            new Column("Server", "Wght", Field.WEIGHT), new Column("Server", "Act", Field.ACT),
            new Column("Server", "Bck", Field.BCK), new Column("Server", "Chk", Field.CHKFAIL),
            new Column("Server", "Dwn", Field.CHKDOWN), new Column("Server", "Dwntme", Field.DOWNTIME));

    /**
     * What the page says about itself.
     *
     * @param admin  the client may act: server actions and acknowledging alerts ({@code stats admin})
     * @param status the outcome of the POST that led here ({@code ;st=CODE})
     * @param back   where the message's [X] leads: the page without the outcome
     */
    record Header(String uri, Optional<String> version, Optional<String> node, long uptimeSeconds,
                  Optional<Long> refreshSeconds, boolean admin, Optional<PageStatus> status, String back) {
        Header(String uri, Optional<String> version, Optional<String> node, long uptimeSeconds,
               Optional<Long> refreshSeconds, boolean admin) {
            this(uri, version, node, uptimeSeconds, refreshSeconds, admin, Optional.empty(), uri);
        }
    }

    private HtmlPage() {}

    static String render(List<ProxyBlock> blocks, Header h) {
        StringBuilder sb = new StringBuilder(32768);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.refreshSeconds().ifPresent(s -> sb.append("<meta http-equiv=\"refresh\" content=\"").append(s).append("\">"));
        sb.append("<title>Pointsman statistics").append(h.node().map(n -> " - " + esc(n)).orElse(""))
                .append("</title><style>").append(STYLE).append("</style></head><body>\n");
        sb.append("<h1 id=\"title\">Pointsman statistics");
        h.version().ifPresent(v -> sb.append(" <small>version ").append(esc(v)).append("</small>"));
        sb.append("</h1>\n<p id=\"info\">");
        h.node().ifPresent(n -> sb.append("node <b id=\"node\">").append(esc(n)).append("</b> · "));
        sb.append("pid ").append(ProcessHandle.current().pid()).append(" · uptime ")
                .append(human(h.uptimeSeconds()));
        String base = h.uri();
        h.refreshSeconds().ifPresentOrElse(
                s -> sb.append(" · refresh every ").append(s).append("s (<a href=\"").append(esc(base))
                        .append(";norefresh\">stop refresh</a>)"),
                () -> { });
        sb.append(" · <a href=\"").append(esc(base)).append(";csv\">CSV</a> · <a href=\"").append(esc(base))
                .append(";json\">JSON</a> · <a href=\"/metrics\">Prometheus</a></p>\n");
        h.status().ifPresent(st -> sb.append("<p id=\"st\" class=\"st tone-").append(st.tone).append("\" data-status=\"")
                .append(st.name()).append("\"><a href=\"").append(esc(h.back()))
                .append("\" title=\"Remove this message\">[X]</a> ").append(st.html).append("</p>\n"));
        legend(sb);
        for (ProxyBlock b : blocks) {
            alert(sb, b, h);
            block(sb, b, h.admin(), h.back());
            changes(sb, b);
        }
        return sb.append("</body></html>\n").toString();
    }

    private static void legend(StringBuilder sb) {
        sb.append("<p class=\"legend\">")
                .append("<span class=\"tone-up\">UP</span> <span class=\"tone-going-down\">UP, going down</span> ")
                .append("<span class=\"tone-going-up\">DOWN, going up</span> <span class=\"tone-down\">DOWN: failure</span> ")
                .append("<span class=\"tone-standby role-replica\">STANDBY: healthy replica</span> ")
                .append("<span class=\"tone-standby role-primary\">STANDBY: healthy primary</span> ")
                .append("<span class=\"tone-maint\">MAINT</span> <span class=\"tone-drain\">DRAIN</span> ")
                .append("<span class=\"tone-init\">not checked yet</span> <span class=\"tone-nocheck\">no check</span>")
                .append("</p>\n");
    }

    /** The backend's last split-brain alert, while some are unacknowledged. */
    private static void alert(StringBuilder sb, ProxyBlock b, Header h) {
        Row be = b.rows().stream().filter(r -> r.scope() == Scope.BACKEND).findFirst().orElse(null);
        long unacked = be == null ? 0 : be.number(Field.SPLIT_BRAIN_UNACKED).orElse(0L);
        if (unacked == 0) {
            return;
        }
        String name = esc(b.name());
        sb.append("<div class=\"alert\" role=\"alert\" id=\"alert-").append(name).append("\"><b>Split brain</b> behind backend ")
                .append(name).append(" · ").append(unacked).append(" unacknowledged of ")
                .append(be.number(Field.SPLIT_BRAIN).orElse(unacked)).append(" · last at ")
                .append(esc(be.text(Field.SPLIT_BRAIN_LAST_AT))).append("<p class=\"alert-text\">")
                .append(esc(be.text(Field.SPLIT_BRAIN_LAST))).append("</p>");
        String action = esc(h.uri() + ";" + StatsRoute.ACK_ALERTS + "=" + b.name());
        if (h.admin()) {
            sb.append("<form method=\"post\" action=\"").append(action)
                    .append("\"><button type=\"submit\">Acknowledge</button></form>");
        } else {
            sb.append("<p class=\"alert-how\">Acknowledge with <code>POST ").append(action)
                    .append("</code>, allowed by <code>stats admin if LOCALHOST</code> or <code>if TRUE</code>.</p>");
        }
        sb.append("</div>\n");
    }

    /** The switchover report: the backend's newest changes of primary, newest first. */
    private static void changes(StringBuilder sb, ProxyBlock b) {
        if (b.changes().isEmpty()) {
            return;
        }
        Row be = b.rows().stream().filter(r -> r.scope() == Scope.BACKEND).findFirst().orElse(null);
        String id = esc(b.name());
        sb.append("<table class=\"changes\" id=\"changes-").append(id).append("\"><caption>").append(id)
                .append(": changes of primary <small>(newest ").append(b.changes().size()).append(" of ")
                .append(be == null ? "" : be.text(Field.PRIMARY_CHANGES))
                .append(")</small></caption>\n<thead><tr><th>When (UTC)</th><th>From</th><th>To</th>")
                .append("<th title=\"What took the old primary out\">Learnt from</th>")
                .append("<th title=\"").append(esc(Field.PRIMARY_LAST_GAP.help())).append("\">No primary</th>")
                .append("<th title=\"").append(esc(Field.PRIMARY_LAST_HELD.help())).append("\">Held</th>")
                .append("<th title=\"").append(esc(Field.PRIMARY_LAST_WAIT.help())).append("\">Longest wait</th>")
                .append("<th title=\"").append(esc(Field.PRIMARY_LAST_CUT.help())).append("\">Cut</th>")
                .append("<th title=\"").append(esc(Field.PRIMARY_LAST_FAILED.help())).append("\">Failed</th>")
                .append("<th title=\"").append(esc(Field.PRIMARY_LAST_RETRIED.help())).append("\">Retried</th>")
                .append("<th></th></tr></thead><tbody>\n");
        for (dev.pointsman.backend.PrimaryChange c : b.changes()) {
            sb.append("<tr class=\"").append(c.open() ? "open" : "settled").append("\"><td class=\"name\">")
                    .append(esc(c.at().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString()))
                    .append("</td><td>").append(esc(c.from())).append("</td><td>").append(esc(c.to()))
                    .append("</td><td>").append(esc(c.learnt())).append("</td><td>").append(c.gap().toMillis())
                    .append(" ms</td><td>").append(c.held()).append("</td><td>").append(c.longestWait().toMillis())
                    .append(" ms</td><td>").append(c.cut()).append("</td><td>").append(c.failed()).append("</td><td>")
                    .append(c.retried()).append("</td><td>").append(c.open() ? "settling" : "").append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n");
    }

    /** @param post where the form posts: the page's own URI, {@code ;norefresh} kept, never the URL it was reached by */
    private static void block(StringBuilder sb, ProxyBlock b, boolean admin, String post) {
        String id = esc(b.name());
        Row be = b.rows().stream().filter(r -> r.scope() == Scope.BACKEND).findFirst().orElse(null);
        boolean form = admin && be != null && b.rows().stream().anyMatch(r -> r.scope() == Scope.SERVER);
        if (form) {
            sb.append("<form method=\"post\" action=\"").append(esc(post)).append("\" class=\"actions\" id=\"actions-")
                    .append(id).append("\">");
        }
        sb.append("<table class=\"px\" id=\"px-").append(id).append("\"><caption>").append(id)
                .append(" <small>(").append(esc(b.mode())).append(")</small></caption>\n<thead><tr>");
        if (admin) {
            sb.append("<th rowspan=\"2\" class=\"select\"></th>");
        }
        sb.append("<th rowspan=\"2\">Name</th>");
        String group = null;
        int span = 0;
        StringBuilder groups = new StringBuilder();
        for (Column c : COLUMNS) {
            if (!c.group().equals(group)) {
                if (group != null) {
                    groups.append("<th colspan=\"").append(span).append("\">").append(group).append("</th>");
                }
                group = c.group();
                span = 0;
            }
            span++;
        }
        groups.append("<th colspan=\"").append(span).append("\">").append(group).append("</th>");
        sb.append(groups).append("</tr><tr>");
        for (Column c : COLUMNS) {
            sb.append("<th title=\"").append(esc(c.field().help())).append("\">").append(c.title()).append("</th>");
        }
        sb.append("</tr></thead><tbody>\n");
        for (Row r : b.rows()) {
            row(sb, r, admin);
        }
        sb.append("</tbody></table>\n");
        if (form) {
            actions(sb, b.name()); // the name: a #<iid> is a position, another backend after a reload
        }
    }

    /** HAProxy's action chooser under a backend's table, with the actions Pointsman applies; closes the form. */
    private static void actions(StringBuilder sb, String backend) {
        sb.append("<p class=\"actions\">Choose the action to perform on the checked servers : <select name=\"action\">")
                .append("<option value=\"\"></option>");
        for (PageActions.Action a : PageActions.Action.values()) {
            sb.append("<option value=\"").append(a.word).append("\">").append(a.label).append("</option>");
        }
        sb.append("</select><input type=\"hidden\" name=\"b\" value=\"").append(esc(backend))
                .append("\">&nbsp;<input type=\"submit\" value=\"Apply\"></p></form>\n");
    }

    private static void row(StringBuilder sb, Row r, boolean admin) {
        String id = switch (r.scope()) {
            case FRONTEND -> "fe-" + r.proxy();
            case BACKEND -> "be-" + r.proxy();
            case SERVER -> "srv-" + r.proxy() + "-" + r.name();
        };
        Standing st = r.standing();
        String tone = st != null ? st.tone() : proxyTone(r.text(Field.STATUS));
        sb.append("<tr id=\"").append(esc(id)).append("\" class=\"").append(r.scope().prom()).append(" tone-").append(tone);
        if (st != null && !st.role().isEmpty()) {
            sb.append(" role-").append(st.role());
        }
        sb.append("\" data-status=\"").append(esc(r.text(Field.STATUS))).append('"');
        if (st != null) {
            sb.append(" data-standing=\"").append(st.kind()).append('"');
        }
        sb.append('>');
        if (admin && r.scope() == Scope.SERVER) {
            sb.append("<td class=\"select\"><input class=\"").append(esc(r.proxy())).append("-checkbox\" type=\"checkbox\"")
                    .append(" name=\"s\" value=\"").append(esc(r.name())).append("\"></td>");
        } else if (admin) {
            sb.append("<td class=\"select\"></td>");
        }
        sb.append("<td class=\"name\"");
        if (r.scope() == Scope.SERVER && !r.text(Field.ADDR).isEmpty()) {
            sb.append(" title=\"").append(esc(r.text(Field.ADDR))).append('"');
        }
        sb.append('>').append(esc(r.scope() == Scope.SERVER ? r.name() : r.name().equals("FRONTEND") ? "Frontend" : "Backend"))
                .append("</td>");
        for (Column c : COLUMNS) {
            sb.append("<td");
            if (c.field() == Field.STATUS) {
                sb.append(" class=\"status\"");
                statusCell(sb, r, st);
            } else if (c.field() == Field.CHECK_STATUS) {
                checkCell(sb, r);
            } else if (c.field() == Field.DOWNTIME) {
                sb.append('>').append(r.number(Field.DOWNTIME).map(HtmlPage::human).orElse(""));
            } else {
                sb.append('>').append(esc(r.text(c.field())));
            }
            sb.append("</td>");
        }
        sb.append("</tr>\n");
    }

    private static void statusCell(StringBuilder sb, Row r, Standing st) {
        String text = st != null ? st.label() : r.text(Field.STATUS);
        if (st != null && st.kind() == Standing.Kind.STANDBY) {
            sb.append(" title=\"HAProxy would show ").append(esc(r.text(Field.STATUS)))
                    .append(": the node answers as a healthy ").append(st.role())
                    .append(", so it takes no traffic on this port. Not a failure.\"");
        }
        sb.append('>');
        r.number(Field.LASTCHG).ifPresent(s -> sb.append("<span class=\"age\">").append(human(s)).append("</span> "));
        sb.append(esc(text));
    }

    private static void checkCell(StringBuilder sb, Row r) {
        String desc = r.text(Field.CHECK_DESC);
        String info = r.text(Field.LAST_CHK);
        if (!desc.isEmpty()) {
            sb.append(" title=\"").append(esc(desc + (info.isEmpty() ? "" : ": " + info))).append('"');
        }
        sb.append('>').append(esc(r.text(Field.CHECK_STATUS)));
        r.number(Field.CHECK_CODE).ifPresent(c -> sb.append('/').append(c));
        r.number(Field.CHECK_DURATION).ifPresent(d -> sb.append(" in ").append(d).append("ms"));
    }

    private static String proxyTone(String status) {
        return switch (status) {
            case "OPEN", "UP" -> "up";
            case "FULL" -> "going-down";
            default -> "down";
        };
    }

    /** HAProxy's short durations: 12s, 5m3s, 1h2m, 3d4h. */
    static String human(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + seconds % 60 + "s";
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h" + seconds % 3600 / 60 + "m";
        }
        return seconds / 86400 + "d" + seconds % 86400 / 3600 + "h";
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final String STYLE = String.join("",
            "body{font:13px/1.35 system-ui,Arial,sans-serif;margin:12px;color:#222;background:#fff}",
            "h1{font-size:18px;margin:0 0 4px}h1 small{font-weight:normal;color:#666}",
            "#info{margin:0 0 6px;color:#444}.legend span{padding:1px 6px;margin-right:4px;border:1px solid #bbb}",
            "table.px{border-collapse:collapse;margin:12px 0;min-width:60%}",
            "caption{text-align:left;font-weight:bold;font-size:14px;padding:4px;background:#48a;color:#fff}",
            "th{background:#dde4ee;font-weight:normal;padding:2px 4px;border:1px solid #bbb}",
            "td{padding:2px 4px;border:1px solid #ccc;text-align:right;white-space:nowrap}",
            "td.name{text-align:left;font-weight:bold}td.status{text-align:left}.age{color:#555}",
            "tr.frontend td,tr.backend td{font-style:italic}tr.backend td{border-top:2px solid #999}",
            ".tone-up{background:#c8f0c8}.tone-going-down{background:#f4f0a0}.tone-going-up{background:#ffd8a8}",
            ".tone-down{background:#ff9c9c}.tone-standby.role-replica{background:#d6e6f5}",
            ".tone-standby.role-primary{background:#e2dcf5}.tone-maint{background:#d8c0a0}",
            ".tone-drain{background:#f3e3b5}.tone-init{background:#e4e4e4}.tone-nocheck{background:#e6f2e6}",
            ".alert{margin:12px 0;padding:6px 10px;border:2px solid #b00;background:#fde0e0;max-width:80em}",
            ".alert p{margin:4px 0;white-space:normal}.alert form{margin:4px 0}",
            "table.changes{border-collapse:collapse;margin:-6px 0 12px}table.changes caption{background:#789}",
            "tr.open td{background:#f4f0a0}td.select{text-align:center}p.actions{margin:-6px 0 12px}",
            "p.st{padding:4px 8px;border:1px solid #999;max-width:80em}p.st ul{margin:4px 0}");
}
