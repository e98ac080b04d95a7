package io.driftdb.sql.changefeed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The change topic of a table: {@code <log topic>.<table>.changes}.
 *
 * <p>Unquoted table names ({@code [a-z0-9_]}) appear as they are. Any other character of a
 * (quoted) table name is not always legal in a Kafka topic name, so it is written as {@code -}
 * followed by the two hex digits of each of its UTF-8 bytes ({@code "Order Items"} becomes
 * {@code Order-20Items}); {@code -} itself is escaped too, so two tables never share a topic.
 * A name that would exceed Kafka's 249 characters keeps its first characters and ends in
 * {@code --} and 16 hex digits of the SHA-256 of the table name.
 */
public final class ChangeTopicName {
  static final int MAX_TOPIC_LENGTH = 249;
  static final String SUFFIX = ".changes";
  private static final int HASH_CHARS = 16;

  private ChangeTopicName() {}

  public static String of(String logTopic, String table) {
    StringBuilder t = new StringBuilder(table.length());
    for (byte b : table.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '_')) {
        t.append(c);
      } else {
        t.append('-').append(HexFormat.of().toHexDigits(b));
      }
    }
    int room = MAX_TOPIC_LENGTH - logTopic.length() - 1 - SUFFIX.length();
    if (t.length() > room) {
      String hash = sha256(table).substring(0, HASH_CHARS);
      t.setLength(Math.max(0, room - 2 - HASH_CHARS));
      t.append("--").append(hash);
    }
    return logTopic + "." + t + SUFFIX;
  }

  /** Throws when {@code logTopic} leaves too little room for a table name in its change topics. */
  static void checkLogTopic(String logTopic) {
    if (logTopic.length() + 1 + 2 + HASH_CHARS + SUFFIX.length() + 1 > MAX_TOPIC_LENGTH) {
      throw new IllegalArgumentException("the log topic name \"" + logTopic + "\" is too long to name change topics "
          + "after it (at most " + (MAX_TOPIC_LENGTH - 1 - 2 - HASH_CHARS - SUFFIX.length() - 1) + " characters)");
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
