package io.driftdb.pgwire;

/** How clients prove who they are. */
public enum AuthMode {
  /** Anyone may connect as any user (local development, tests). */
  TRUST,
  /**
   * SCRAM-SHA-256 when the user's credential has a SCRAM secret, MD5 when it only has an MD5
   * hash (PostgreSQL's {@code scram-sha-256}/{@code md5} pg_hba behaviour).
   */
  PASSWORD,
  /** MD5 when the credential has an MD5 hash, else SCRAM-SHA-256 (PostgreSQL's {@code md5} method). */
  MD5
}
