package io.driftdb.log;

/** A Kafka record header: a string key and opaque bytes. */
public record RecordHeader(String key, byte[] value) {}
