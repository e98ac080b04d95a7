package io.driftdb.materializer;

import java.nio.file.Path;

/** A snapshot on disk: the SEQ it captures, its file, size and how many row versions it holds. */
public record SnapshotInfo(long seq, Path file, long bytes, long versions) {}
