package dev.pointsman.frontend;

/** The process may not open the descriptors its maxconn needs ({@code strict-limits}): fatal at start. */
public final class DescriptorLimitException extends BindFailedException {
    public DescriptorLimitException(String message) {
        super(message, null);
    }
}
