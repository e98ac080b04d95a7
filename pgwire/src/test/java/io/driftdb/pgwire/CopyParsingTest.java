package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.sql.SqlError;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyParsingTest {

  private static CopyCommand copy(String sql) {
    return CopyCommandParser.parse(sql).orElseThrow();
  }

  private static String state(Throwable e) {
    return ((SqlError) e).sqlState();
  }

  @Test
  void recognisesCopyFromStdinForms() {
    CopyCommand c = copy("COPY items FROM STDIN");
    assertThat(c.direction()).isEqualTo(CopyCommand.Direction.FROM_STDIN);
    assertThat(c.table()).isEqualTo("items");
    assertThat(c.columns()).isEmpty();
    assertThat(c.options()).isEqualTo(CopyCommand.CopyOptions.text());

    c = copy("copy public.\"My Items\" (id, \"Name\") from stdin with (format csv, header true, delimiter ';', null 'NA')");
    assertThat(c.table()).isEqualTo("public.\"My Items\"");
    assertThat(c.columns()).containsExactly("id", "\"Name\"");
    assertThat(c.options()).isEqualTo(new CopyCommand.CopyOptions(CopyCommand.Format.CSV, ';', "NA", true, '"', '"'));

    c = copy("COPY items FROM STDIN WITH CSV HEADER QUOTE AS '''' ESCAPE '\\'");
    assertThat(c.options()).isEqualTo(new CopyCommand.CopyOptions(CopyCommand.Format.CSV, ',', "", true, '\'', '\\'));

    c = copy("COPY items FROM STDIN (DELIMITER E'\\t', NULL '')");
    assertThat(c.options().delimiter()).isEqualTo('\t');
    assertThat(c.options().nullString()).isEmpty();
  }

  @Test
  void recognisesCopyToStdoutWithTableOrQuery() {
    CopyCommand c = copy("COPY (select * from items where name = 'a;b)') TO STDOUT WITH (FORMAT csv, HEADER)");
    assertThat(c.direction()).isEqualTo(CopyCommand.Direction.TO_STDOUT);
    assertThat(c.table()).isNull();
    assertThat(c.query()).isEqualTo("select * from items where name = 'a;b)'");
    assertThat(c.options().header()).isTrue();
    assertThat(copy("copy items (name) to stdout").columns()).containsExactly("name");
  }

  @Test
  void otherStatementsAreNotCopy() {
    assertThat(CopyCommandParser.parse("select 1")).isEmpty();
    assertThat(CopyCommandParser.parse("-- copy\nselect 'copy'")).isEmpty();
  }

  @Test
  void rejectsUnsupportedOrMalformedCopy() {
    assertThatThrownBy(() -> copy("COPY items FROM '/etc/passwd'")).satisfies(e -> assertThat(state(e)).isEqualTo("0A000"));
    assertThatThrownBy(() -> copy("COPY items TO PROGRAM 'ls'")).satisfies(e -> assertThat(state(e)).isEqualTo("0A000"));
    assertThatThrownBy(() -> copy("COPY items FROM STDIN (FORMAT binary)")).satisfies(e -> assertThat(state(e)).isEqualTo("0A000"));
    assertThatThrownBy(() -> copy("COPY items FROM STDIN (FORMAT xml)")).satisfies(e -> assertThat(state(e)).isEqualTo("22023"));
    assertThatThrownBy(() -> copy("COPY items FROM STDIN (QUOTE '\"')")).satisfies(e -> assertThat(state(e)).isEqualTo("0A000"));
    assertThatThrownBy(() -> copy("COPY items FROM STDOUT")).satisfies(e -> assertThat(state(e)).isEqualTo("42601"));
    assertThatThrownBy(() -> copy("COPY (select 1) FROM STDIN")).satisfies(e -> assertThat(state(e)).isEqualTo("42601"));
    assertThatThrownBy(() -> copy("COPY items FROM STDIN junk")).satisfies(e -> assertThat(state(e)).isEqualTo("42601"));
  }

  @Test
  void parsesTextFormat() {
    String data = "1\tone\n2\t\\N\n3\ttab\\there\\nnew\\\\line\n4\t\\x41\\102\n5\ta\\\tb\r\n\\.\nignored\n";
    List<List<String>> rows = CopyFormats.parse(data, CopyCommand.CopyOptions.text(), 2, "items");
    assertThat(rows).containsExactly(
        List.of("1", "one"), Arrays.asList("2", null), List.of("3", "tab\there\nnew\\line"), List.of("4", "AB"),
        List.of("5", "a\tb"));
    // \N is compared before unescaping: an escaped backslash-N is the text "\N", not NULL.
    assertThat(CopyFormats.parse("\\\\N\n", CopyCommand.CopyOptions.text(), 1, "t")).containsExactly(List.of("\\N"));
  }

  @Test
  void parsesCsvFormat() {
    CopyCommand.CopyOptions csv = CopyCommand.CopyOptions.csv();
    String data = "1,\"a,b\"\n2,\n3,\"\"\r\n4,\"multi\nline\"\n5,\"q\"\"uote\"";
    assertThat(CopyFormats.parse(data, csv, 2, "items")).containsExactly(
        List.of("1", "a,b"), Arrays.asList("2", null), List.of("3", ""), List.of("4", "multi\nline"), List.of("5", "q\"uote"));
    CopyCommand.CopyOptions header = new CopyCommand.CopyOptions(CopyCommand.Format.CSV, ',', "", true, '"', '"');
    assertThat(CopyFormats.parse("id,name\n1,x\n\\.\n", header, 2, "items")).containsExactly(List.of("1", "x"));
  }

  @Test
  void reportsBadCopyData() {
    assertThatThrownBy(() -> CopyFormats.parse("1\n", CopyCommand.CopyOptions.text(), 2, "items"))
        .hasMessageContaining("missing data for column 2").satisfies(e -> assertThat(state(e)).isEqualTo("22P04"));
    assertThatThrownBy(() -> CopyFormats.parse("1\t2\t3\n", CopyCommand.CopyOptions.text(), 2, "items"))
        .hasMessageContaining("extra data after last expected column");
    assertThatThrownBy(() -> CopyFormats.parse("1,\"open\n", CopyCommand.CopyOptions.csv(), 2, "items"))
        .hasMessageContaining("unterminated CSV quoted field");
  }

  @Test
  void formatsRowsThatParseBack() {
    List<String> values = Arrays.asList("plain", null, "", "tab\tnew\nline\\", "a,\"b\"");
    String text = CopyFormats.formatText(values, CopyCommand.CopyOptions.text());
    assertThat(text).isEqualTo("plain\t\\N\t\ttab\\tnew\\nline\\\\\ta,\"b\"\n");
    assertThat(CopyFormats.parse(text, CopyCommand.CopyOptions.text(), 5, "t")).containsExactly(values);
    String csv = CopyFormats.formatCsv(values, CopyCommand.CopyOptions.csv());
    assertThat(csv).isEqualTo("plain,,\"\",\"tab\tnew\nline\\\",\"a,\"\"b\"\"\"\n");
    assertThat(CopyFormats.parse(csv, CopyCommand.CopyOptions.csv(), 5, "t")).containsExactly(values);
  }
}
