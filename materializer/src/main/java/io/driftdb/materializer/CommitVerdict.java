package io.driftdb.materializer;

/**
 * Why a transaction appended to a shared log was not applied. Every node computes the same
 * verdict from the log alone; the node that appended the record reports it to its client.
 *
 * @param sqlState 40001 for a conflict, 23505 for a duplicate key, 42P07 for a duplicate table
 */
public record CommitVerdict(long seq, String sqlState, String message) {}
