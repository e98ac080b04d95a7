package io.driftdb.log;

import java.util.List;

/** One durable record read back from the log. */
public record LogRecord(long seq, long timestampMs, byte[] key, byte[] value, List<RecordHeader> headers) {}
