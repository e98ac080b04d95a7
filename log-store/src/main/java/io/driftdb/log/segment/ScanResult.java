package io.driftdb.log.segment;

import java.util.Optional;

/**
 * What a scan of one segment file found: the valid prefix ({@code validBytes}, offsets up to
 * {@code nextOffset - 1}), the index entries for it, and the first damage after it, if any.
 */
public record ScanResult(
    SegmentFiles files,
    long fileBytes,
    long validBytes,
    long nextOffset,
    long maxTimestamp,
    SegmentIndexBuilder indexes,
    Optional<Damage> damage) {}
