package io.driftdb.log;

import java.util.concurrent.CompletableFuture;

/** A sequenced record waiting for the writer thread, with the future its caller holds. */
record PendingAppend(LogRecord record, long encodedBytesBound, CompletableFuture<Appended> future) {}
