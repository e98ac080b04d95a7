package io.driftdb.sql.text;

/**
 * A lexical token of SQL text.
 *
 * @param kind what it is
 * @param text the token's value: identifiers lower-cased unless quoted, strings unescaped
 * @param start offset of the first character in the source
 * @param end offset after the last character
 */
public record Token(Kind kind, String text, int start, int end) {

  public enum Kind { WORD, QUOTED_IDENT, STRING, NUMBER, PARAM, SYMBOL, EOF }

  public boolean is(String word) {
    return kind == Kind.WORD && text.equalsIgnoreCase(word);
  }

  public boolean isSymbol(String s) {
    return kind == Kind.SYMBOL && text.equals(s);
  }

  public boolean isIdentifier() {
    return kind == Kind.WORD || kind == Kind.QUOTED_IDENT;
  }
}
