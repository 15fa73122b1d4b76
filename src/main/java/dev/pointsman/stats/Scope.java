package dev.pointsman.stats;

/** The kind of object a stats row describes, with HAProxy's {@code type} code and its CSV letter. */
enum Scope {
    FRONTEND(0, "frontend"), BACKEND(1, "backend"), SERVER(2, "server");

    private final int type;
    private final String prom;

    Scope(int type, String prom) {
        this.type = type;
        this.prom = prom;
    }

    int type() {
        return type;
    }

    /** The scope's part of a Prometheus name ({@code pointsman_server_...}). */
    String prom() {
        return prom;
    }

    static Scope of(char letter) {
        return switch (letter) {
            case 'F' -> FRONTEND;
            case 'B' -> BACKEND;
            case 'S' -> SERVER;
            default -> throw new IllegalArgumentException("scope letter: " + letter + " (expected: F, B or S)");
        };
    }
}
