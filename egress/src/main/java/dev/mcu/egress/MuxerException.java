package dev.mcu.egress;

/** FFmpeg refused to open, write or finish an output; the message names the step and FFmpeg's reason. */
final class MuxerException extends Exception {
    MuxerException(String message) {
        super(message);
    }
}
