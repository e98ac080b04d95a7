package io.driftdb.log;

/**
 * Changes record values while {@link LocalLog#compact} rewrites sealed segments (VACUUM
 * removing history the user deleted). A record's SEQ, timestamp, key and headers always stay;
 * only its value may change, so SEQs stay dense and every record keeps its place in time.
 */
public interface RecordRewriter {
  /** Changes nothing: the merge only packs and recompresses. */
  RecordRewriter NONE = new RecordRewriter() {
    @Override
    public boolean mayRewrite(long firstSeq, long lastSeq) {
      return false;
    }

    @Override
    public byte[] rewrite(LogRecord record) {
      return record.value();
    }
  };

  /**
   * Whether some record with a SEQ in {@code [firstSeq, lastSeq]} may get a new value; a
   * segment for which this is false and which needs no packing is left alone.
   */
  boolean mayRewrite(long firstSeq, long lastSeq);

  /** The value {@code record} keeps: the same array when unchanged. */
  byte[] rewrite(LogRecord record);
}
