package io.driftdb.log;

import java.io.IOException;

/**
 * Called at each step of a segment merge, for tests that stop the world there (copy the
 * directory as a crash would leave it, or fail the step). Not part of the public API.
 */
@FunctionalInterface
interface CompactionHook {
  CompactionHook NONE = (step, file) -> { };

  /** The steps, in order; {@code OLD_FILE_DELETED} comes once per deleted file. */
  enum Step {
    /** The first batch of the merged {@code .log.cleaned} is written, nothing fsynced yet. */
    CLEANED_PARTIAL,
    /** The merged file is complete and fsynced, still named {@code .log.cleaned}. */
    CLEANED_WRITTEN,
    /** Renamed to {@code .log.swap} and the directory fsynced: from here on the merge happens. */
    SWAP_COMMITTED,
    /** One file of a replaced segment was deleted (indexes before their log). */
    OLD_FILE_DELETED,
    /** The {@code .log.swap} is now the segment's {@code .log}. */
    SWAP_INSTALLED,
    /** The merged segment's index files are written. */
    INDEXES_WRITTEN
  }

  void reached(Step step, java.nio.file.Path file) throws IOException;
}
