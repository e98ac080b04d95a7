package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementSplitterTest {

  @Test
  void splitsAtTopLevelSemicolons() {
    assertThat(StatementSplitter.split("select 1")).containsExactly("select 1");
    assertThat(StatementSplitter.split(" select 1 ; select 2; ")).containsExactly("select 1", "select 2");
    assertThat(StatementSplitter.split("select (1;2); x")).containsExactly("select (1;2)", "x");
  }

  @Test
  void dropsEmptyAndCommentOnlyStatements() {
    assertThat(StatementSplitter.split("")).isEmpty();
    assertThat(StatementSplitter.split(" ;; ")).isEmpty();
    assertThat(StatementSplitter.split("-- only a comment")).isEmpty();
    assertThat(StatementSplitter.split("/* c */ ; select 1;;")).containsExactly("select 1");
    assertThat(StatementSplitter.split("select 1; -- trailing")).containsExactly("select 1");
  }

  @Test
  void respectsStandardStringsWithDoubledQuotes() {
    assertThat(StatementSplitter.split("select 'a;b', 'it''s;'; select 2"))
        .containsExactly("select 'a;b', 'it''s;'", "select 2");
  }

  @Test
  void respectsEscapeStrings() {
    assertThat(StatementSplitter.split("select E'a\\';b'; select e'x\\\\'; c"))
        .containsExactly("select E'a\\';b'", "select e'x\\\\'", "c");
    // A backslash in a standard string is an ordinary character.
    assertThat(StatementSplitter.split("select 'a\\'; select 2")).containsExactly("select 'a\\'", "select 2");
    // "whereE" is a word, not an escape-string prefix.
    assertThat(StatementSplitter.split("select 1 as e, 'x;' ; y")).containsExactly("select 1 as e, 'x;'", "y");
  }

  @Test
  void respectsQuotedIdentifiers() {
    assertThat(StatementSplitter.split("select \"a;\"\"b\" from t; d")).containsExactly("select \"a;\"\"b\" from t", "d");
  }

  @Test
  void respectsDollarQuoting() {
    assertThat(StatementSplitter.split("select $$a;b$$; select $tag$ x $$ ; $tag$; e"))
        .containsExactly("select $$a;b$$", "select $tag$ x $$ ; $tag$", "e");
    // $1 is a parameter and a$b an identifier: neither opens a dollar quote.
    assertThat(StatementSplitter.split("select $1; select a$b$; x")).containsExactly("select $1", "select a$b$", "x");
  }

  @Test
  void respectsLineAndNestedBlockComments() {
    assertThat(StatementSplitter.split("select 1 -- c;\n; select 2")).containsExactly("select 1 -- c;", "select 2");
    assertThat(StatementSplitter.split("/* a; /* nested; */ still; */ select 1; select 2"))
        .containsExactly("/* a; /* nested; */ still; */ select 1", "select 2");
  }

  @Test
  void unterminatedQuoteKeepsTheRestTogether() {
    assertThat(StatementSplitter.split("select 'abc; def")).containsExactly("select 'abc; def");
    assertThat(StatementSplitter.split("select $$abc; def")).containsExactly("select $$abc; def");
  }
}
