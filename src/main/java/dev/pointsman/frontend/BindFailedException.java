package dev.pointsman.frontend;

/** A listener could not be bound: fatal at start. */
public final class BindFailedException extends Exception {
    public BindFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
