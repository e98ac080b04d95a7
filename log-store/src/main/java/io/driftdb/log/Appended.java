package io.driftdb.log;

/** Where an appended record landed: its SEQ (log offset) and commit timestamp in ms. */
public record Appended(long seq, long timestampMs) {}
