package dev.pointsman;

/** Entry point: hands the arguments to the command line, nothing else. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(dev.pointsman.cli.Cli.run(args));
    }
}
