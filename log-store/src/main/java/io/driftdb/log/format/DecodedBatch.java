package io.driftdb.log.format;

import io.driftdb.log.LogRecord;
import java.util.List;

/** A batch read back from disk: its header and its records in SEQ order. */
public record DecodedBatch(BatchHeader header, List<LogRecord> records) {}
