package dev.pointsman.frontend;

/**
 * A listener could not be bound, or (as {@link DescriptorLimitException}) the process cannot
 * carry the listeners' maxconn: fatal at start.
 */
public class BindFailedException extends Exception {
    public BindFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
