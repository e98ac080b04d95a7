package io.driftdb.sql.ddl;

import io.driftdb.sql.SqlError;
import io.driftdb.sql.text.SqlLexer;
import io.driftdb.sql.text.Token;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Recursive-descent parser for the statements the engine runs itself; queries and DML go to
 * Calcite. {@link #parse} returns null for a statement that is not one of them.
 */
public final class DdlParser {
  private final String sql;
  private final List<Token> tokens;
  private int i;

  private DdlParser(String sql) {
    this.sql = sql;
    this.tokens = SqlLexer.tokenize(sql);
  }

  public static Command parse(String sql) {
    return new DdlParser(sql).statement();
  }

  private Token peek() {
    return tokens.get(i);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(i + ahead, tokens.size() - 1));
  }

  private Token next() {
    return tokens.get(i++);
  }

  private boolean accept(String word) {
    if (peek().is(word)) {
      i++;
      return true;
    }
    return false;
  }

  private boolean acceptSymbol(String s) {
    if (peek().isSymbol(s)) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(String word) {
    if (!accept(word)) {
      throw syntax();
    }
  }

  private void expectSymbol(String s) {
    if (!acceptSymbol(s)) {
      throw syntax();
    }
  }

  private SqlError syntax() {
    Token t = peek();
    String near = t.kind() == Token.Kind.EOF ? "end of input" : "\"" + sql.substring(t.start(), t.end()) + "\"";
    return new SqlError(SqlError.SYNTAX_ERROR, "syntax error at or near " + near);
  }

  private String identifier() {
    Token t = next();
    if (!t.isIdentifier()) {
      i--;
      throw syntax();
    }
    return t.text();
  }

  /** A possibly schema-qualified name; the schema (public) is dropped. */
  private String qualifiedName() {
    String n = identifier();
    while (acceptSymbol(".")) {
      n = identifier();
    }
    return n;
  }

  private void end() {
    acceptSymbol(";");
    if (peek().kind() != Token.Kind.EOF) {
      throw syntax();
    }
  }

  private Command statement() {
    Token t = peek();
    if (t.kind() != Token.Kind.WORD) {
      return null;
    }
    Command c = switch (t.text()) {
      case "create" -> create();
      case "drop" -> drop();
      case "alter" -> alter();
      case "checkpoint" -> {
        next();
        String table = accept("table") ? qualifiedName() : (peek().isIdentifier() ? qualifiedName() : null);
        yield new Command.Checkpoint(table);
      }
      case "vacuum" -> {
        next();
        accept("full");
        accept("analyze");
        yield new Command.Vacuum(peek().isIdentifier() ? qualifiedName() : null);
      }
      case "begin" -> {
        next();
        if (!accept("transaction")) {
          accept("work");
        }
        yield beginOptions();
      }
      case "start" -> {
        next();
        expect("transaction");
        yield beginOptions();
      }
      case "commit", "end" -> {
        next();
        if (!accept("transaction")) {
          accept("work");
        }
        yield new Command.Commit();
      }
      case "abort" -> {
        next();
        if (!accept("transaction")) {
          accept("work");
        }
        yield new Command.Rollback();
      }
      case "rollback" -> {
        next();
        if (!accept("transaction")) {
          accept("work");
        }
        if (accept("to")) {
          accept("savepoint");
          yield new Command.RollbackTo(identifier());
        }
        yield new Command.Rollback();
      }
      case "savepoint" -> {
        next();
        yield new Command.Savepoint(identifier());
      }
      case "release" -> {
        next();
        accept("savepoint");
        yield new Command.Release(identifier());
      }
      case "set" -> set();
      case "show" -> {
        next();
        StringBuilder name = new StringBuilder(identifier());
        while (acceptSymbol(".")) {
          name.append('.').append(identifier());
        }
        if (name.toString().equals("transaction")) {
          expect("isolation");
          expect("level");
          name = new StringBuilder("transaction_isolation");
        }
        yield new Command.ShowVar(name.toString());
      }
      case "reset" -> {
        next();
        yield new Command.ResetVar(accept("all") ? "all" : identifier());
      }
      case "discard" -> {
        next();
        next();
        yield new Command.NoOp("DISCARD ALL");
      }
      case "deallocate" -> {
        next();
        accept("prepare");
        next();
        yield new Command.NoOp("DEALLOCATE");
      }
      case "insert" -> documentInsert();
      case "delete" -> deleteHistory();
      default -> null;
    };
    if (c != null && !(c instanceof Command.DocumentInsert)) {
      end();
    }
    return c;
  }

  private Command beginOptions() {
    String isolation = null;
    boolean readOnly = false;
    while (peek().kind() == Token.Kind.WORD) {
      if (accept("isolation")) {
        expect("level");
        if (accept("serializable")) {
          isolation = "serializable";
        } else if (accept("repeatable")) {
          expect("read");
          isolation = "repeatable read";
        } else if (accept("read")) {
          if (accept("committed")) {
            isolation = "read committed";
          } else {
            expect("uncommitted");
            isolation = "read committed";
          }
        } else {
          throw syntax();
        }
      } else if (accept("read")) {
        if (accept("only")) {
          readOnly = true;
        } else {
          expect("write");
        }
      } else if (accept("not")) {
        expect("deferrable");
      } else if (!accept("deferrable")) {
        throw syntax();
      }
      acceptSymbol(",");
    }
    return new Command.Begin(isolation, readOnly);
  }

  private Command set() {
    next();
    if (!accept("session")) {
      accept("local");
    }
    if (peek().is("transaction") || (peek().is("characteristics"))) {
      accept("characteristics");
      accept("as");
      expect("transaction");
      Command.Begin b = (Command.Begin) beginOptions();
      return new Command.SetVar("transaction_isolation", b.isolation() == null ? "repeatable read" : b.isolation());
    }
    if (accept("time")) {
      expect("zone");
      return new Command.SetVar("timezone", value());
    }
    if (accept("names")) {
      return new Command.SetVar("client_encoding", value());
    }
    StringBuilder name = new StringBuilder(identifier());
    while (acceptSymbol(".")) {
      name.append('.').append(identifier());
    }
    if (!acceptSymbol("=")) {
      expect("to");
    }
    return new Command.SetVar(name.toString(), value());
  }

  private String value() {
    StringBuilder b = new StringBuilder();
    while (peek().kind() != Token.Kind.EOF && !peek().isSymbol(";")) {
      Token t = next();
      if (b.length() > 0 && !t.isSymbol(",")) {
        b.append(t.kind() == Token.Kind.SYMBOL && !t.text().equals("-") ? "" : (b.toString().endsWith("-") ? "" : " "));
      }
      if (t.isSymbol(",")) {
        b.append(", ");
      } else if (t.is("default") && b.length() == 0) {
        b.append("default");
      } else {
        b.append(t.kind() == Token.Kind.WORD ? sql.substring(t.start(), t.end()) : t.text());
      }
    }
    return b.toString().trim();
  }

  private Command create() {
    next();
    accept("or");
    if (accept("unique")) {
      expect("index");
      return createIndex(true);
    }
    if (accept("index")) {
      return createIndex(false);
    }
    if (accept("user") || accept("role")) {
      return createUser();
    }
    accept("temporary");
    accept("temp");
    accept("unlogged");
    if (!accept("table")) {
      return null;
    }
    boolean ifNotExists = false;
    if (accept("if")) {
      expect("not");
      expect("exists");
      ifNotExists = true;
    }
    String name = qualifiedName();
    expectSymbol("(");
    List<Command.ColumnSpec> columns = new ArrayList<>();
    List<String> pk = new ArrayList<>();
    List<List<String>> uniques = new ArrayList<>();
    List<String> checks = new ArrayList<>();
    List<Command.ForeignKeySpec> fks = new ArrayList<>();
    List<List<String>> indexes = new ArrayList<>();
    boolean document = false;
    if (!peek().isSymbol(")")) {
      do {
        if (peek().is("pk") && peek(1).isSymbol("=")) {
          next();
          next();
          pk.add(identifier());
          document = true;
        } else if (peek().is("index") && peek(1).isSymbol("(")) {
          next();
          indexes.add(nameList());
          document = true;
        } else if (accept("constraint")) {
          identifier();
          tableConstraint(pk, uniques, checks, fks);
        } else if (peek().is("primary") || peek().is("unique") || peek().is("check") || peek().is("foreign")) {
          tableConstraint(pk, uniques, checks, fks);
        } else {
          columns.add(columnSpec());
        }
      } while (acceptSymbol(","));
    }
    expectSymbol(")");
    if (document && !columns.isEmpty()) {
      throw new SqlError(SqlError.SYNTAX_ERROR, "pk= and INDEX(...) cannot be mixed with column definitions");
    }
    for (Command.ColumnSpec c : columns) {
      if (c.primaryKey()) {
        if (!pk.isEmpty()) {
          throw new SqlError("42P16", "multiple primary keys for table \"" + name + "\" are not allowed");
        }
        pk.add(c.name());
      }
    }
    return new Command.CreateTable(name, ifNotExists, columns, pk, uniques, checks, fks, document, indexes);
  }

  private void tableConstraint(List<String> pk, List<List<String>> uniques, List<String> checks,
                               List<Command.ForeignKeySpec> fks) {
    if (accept("primary")) {
      expect("key");
      if (!pk.isEmpty()) {
        throw new SqlError("42P16", "multiple primary keys are not allowed");
      }
      pk.addAll(nameList());
    } else if (accept("unique")) {
      uniques.add(nameList());
    } else if (accept("check")) {
      checks.add(parenthesizedText());
    } else if (accept("foreign")) {
      expect("key");
      List<String> cols = nameList();
      fks.add(references(cols));
    } else {
      throw syntax();
    }
  }

  private Command.ForeignKeySpec references(List<String> cols) {
    expect("references");
    String ref = qualifiedName();
    List<String> refCols = peek().isSymbol("(") ? nameList() : List.of();
    String onDelete = null;
    String onUpdate = null;
    while (accept("on")) {
      boolean del = accept("delete");
      if (!del) {
        expect("update");
      }
      String action;
      if (accept("cascade")) {
        action = "CASCADE";
      } else if (accept("restrict")) {
        action = "RESTRICT";
      } else if (accept("set")) {
        if (accept("null")) {
          action = "SET NULL";
        } else {
          expect("default");
          action = "SET DEFAULT";
        }
      } else {
        expect("no");
        expect("action");
        action = "NO ACTION";
      }
      if (del) {
        onDelete = action;
      } else {
        onUpdate = action;
      }
    }
    return new Command.ForeignKeySpec(cols, ref, refCols, onDelete, onUpdate);
  }

  private List<String> nameList() {
    expectSymbol("(");
    List<String> out = new ArrayList<>();
    do {
      out.add(identifier());
    } while (acceptSymbol(","));
    expectSymbol(")");
    return out;
  }

  /** Text of a parenthesized expression, without the outer parentheses. */
  private String parenthesizedText() {
    Token open = next();
    if (!open.isSymbol("(")) {
      i--;
      throw syntax();
    }
    int depth = 1;
    Token t;
    do {
      t = next();
      if (t.kind() == Token.Kind.EOF) {
        throw syntax();
      }
      if (t.isSymbol("(")) {
        depth++;
      } else if (t.isSymbol(")")) {
        depth--;
      }
    } while (depth > 0);
    return sql.substring(open.end(), t.start()).trim();
  }

  /** Text of an expression up to the next top-level comma, closing parenthesis or constraint keyword. */
  private String expressionText() {
    int start = peek().start();
    int depth = 0;
    int end = start;
    while (true) {
      Token t = peek();
      if (t.kind() == Token.Kind.EOF) {
        break;
      }
      if (depth == 0 && (t.isSymbol(",") || t.isSymbol(")") || t.is("not") || t.is("null") && end > start
          || t.is("primary") || t.is("unique") || t.is("check") || t.is("references") || t.is("constraint"))) {
        break;
      }
      if (t.isSymbol("(")) {
        depth++;
      } else if (t.isSymbol(")")) {
        depth--;
      }
      end = t.end();
      next();
    }
    if (end == start) {
      throw syntax();
    }
    return sql.substring(start, end).trim();
  }

  private Command.ColumnSpec columnSpec() {
    String name = identifier();
    String type = typeText();
    boolean notNull = false;
    boolean primary = false;
    boolean unique = false;
    String def = null;
    String check = null;
    Command.ForeignKeySpec fk = null;
    while (true) {
      if (accept("constraint")) {
        identifier();
      } else if (accept("not")) {
        expect("null");
        notNull = true;
      } else if (accept("null")) {
        notNull = false;
      } else if (accept("primary")) {
        expect("key");
        primary = true;
        notNull = true;
      } else if (accept("unique")) {
        unique = true;
      } else if (accept("default")) {
        def = expressionText();
      } else if (accept("check")) {
        check = parenthesizedText();
      } else if (peek().is("references")) {
        fk = references(List.of(name));
      } else {
        break;
      }
    }
    if (type.toLowerCase(Locale.ROOT).contains("serial")) {
      throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "serial columns are not supported yet; use an explicit key");
    }
    return new Command.ColumnSpec(name, type, notNull, primary, unique, def, check, fk);
  }

  /** A type name with optional (n[,m]) and multi-word forms like DOUBLE PRECISION. */
  private String typeText() {
    Token first = peek();
    if (!first.isIdentifier()) {
      throw syntax();
    }
    int start = first.start();
    next();
    int end = first.end();
    String w = first.text();
    if (w.equals("double") && accept("precision")) {
      end = tokens.get(i - 1).end();
    } else if ((w.equals("character") || w.equals("char")) && peek().is("varying")) {
      end = next().end();
    } else if (w.equals("timestamp") || w.equals("time")) {
      if (peek().isSymbol("(")) {
        parenthesizedText();
        end = tokens.get(i - 1).end();
      }
      if (peek().is("with") || peek().is("without")) {
        next();
        expect("time");
        expect("zone");
        end = tokens.get(i - 1).end();
      }
      return normalizeType(sql.substring(start, end));
    }
    if (peek().isSymbol("(")) {
      parenthesizedText();
      end = tokens.get(i - 1).end();
    }
    if (peek().isSymbol("[")) {
      throw new SqlError(SqlError.FEATURE_NOT_SUPPORTED, "array columns are not supported");
    }
    return normalizeType(sql.substring(start, end));
  }

  private static String normalizeType(String t) {
    String s = t.replaceAll("\\(\\s*\\d+\\s*\\)\\s*(with|without)", "$1").trim();
    return s.replaceAll("(?i)^timestamp\\s*\\(\\s*\\d+\\s*\\)$", "timestamp");
  }

  private Command createIndex(boolean unique) {
    accept("concurrently");
    boolean ifNotExists = false;
    if (accept("if")) {
      expect("not");
      expect("exists");
      ifNotExists = true;
    }
    String name = peek().is("on") ? null : identifier();
    expect("on");
    String table = qualifiedName();
    if (accept("using")) {
      identifier();
    }
    List<String> cols = nameList();
    return new Command.CreateIndex(name, table, cols, unique, ifNotExists);
  }

  private Command createUser() {
    String name = identifier();
    String password = null;
    boolean superuser = false;
    accept("with");
    while (peek().kind() == Token.Kind.WORD) {
      if (accept("password")) {
        Token p = next();
        if (p.kind() != Token.Kind.STRING) {
          throw syntax();
        }
        password = p.text();
      } else if (accept("superuser")) {
        superuser = true;
      } else {
        next();
      }
    }
    return new Command.CreateUser(name, password, superuser);
  }

  private Command drop() {
    next();
    if (accept("table")) {
      boolean ifExists = false;
      if (accept("if")) {
        expect("exists");
        ifExists = true;
      }
      List<String> names = new ArrayList<>();
      do {
        names.add(qualifiedName());
      } while (acceptSymbol(","));
      if (!accept("cascade")) {
        accept("restrict");
      }
      return new Command.DropTable(names, ifExists);
    }
    if (accept("index")) {
      accept("concurrently");
      boolean ifExists = false;
      if (accept("if")) {
        expect("exists");
        ifExists = true;
      }
      return new Command.DropIndex(qualifiedName(), ifExists);
    }
    if (accept("user") || accept("role")) {
      boolean ifExists = false;
      if (accept("if")) {
        expect("exists");
        ifExists = true;
      }
      return new Command.DropUser(identifier(), ifExists);
    }
    return null;
  }

  private Command alter() {
    next();
    if (accept("user") || accept("role")) {
      String name = identifier();
      accept("with");
      String password = null;
      while (peek().kind() == Token.Kind.WORD) {
        if (accept("password")) {
          Token p = next();
          if (p.kind() != Token.Kind.STRING) {
            throw syntax();
          }
          password = p.text();
        } else {
          next();
        }
      }
      return new Command.AlterUser(name, password);
    }
    if (!accept("table")) {
      return null;
    }
    accept("only");
    String table = qualifiedName();
    if (accept("add")) {
      accept("column");
      boolean ifNotExists = false;
      if (accept("if")) {
        expect("not");
        expect("exists");
        ifNotExists = true;
      }
      return new Command.AddColumn(table, columnSpec(), ifNotExists);
    }
    if (accept("drop")) {
      accept("column");
      boolean ifExists = false;
      if (accept("if")) {
        expect("exists");
        ifExists = true;
      }
      return new Command.DropColumn(table, identifier(), ifExists);
    }
    if (accept("rename")) {
      if (accept("to")) {
        return new Command.RenameTable(table, identifier());
      }
      accept("column");
      String from = identifier();
      expect("to");
      return new Command.RenameColumn(table, from, identifier());
    }
    if (accept("set")) {
      expectSymbol("(");
      Map<String, String> opts = new LinkedHashMap<>();
      do {
        String k = identifier();
        expectSymbol("=");
        Token v = next();
        if (v.kind() != Token.Kind.STRING && v.kind() != Token.Kind.NUMBER && v.kind() != Token.Kind.WORD) {
          i--;
          throw syntax();
        }
        opts.put(k, v.text());
      } while (acceptSymbol(","));
      expectSymbol(")");
      return new Command.SetTableOptions(table, opts);
    }
    if (accept("reset")) {
      expectSymbol("(");
      Map<String, String> opts = new LinkedHashMap<>();
      do {
        opts.put(identifier(), null);
      } while (acceptSymbol(","));
      expectSymbol(")");
      return new Command.SetTableOptions(table, opts);
    }
    throw syntax();
  }

  /**
   * {@code DELETE HISTORY FROM t [BEFORE SYSTEM_TIME expr]} (MariaDB's statement); the
   * expression is evaluated by the engine. Any other DELETE is left to Calcite.
   */
  private Command deleteHistory() {
    if (!peek(1).is("history") || !peek(2).is("from")) {
      return null;
    }
    next();
    next();
    next();
    String table = qualifiedName();
    if (!accept("before")) {
      return new Command.DeleteHistory(table, null);
    }
    expect("system_time");
    int from = i;
    while (peek().kind() != Token.Kind.EOF) {
      next();
    }
    int to = tokens.get(i - 1).isSymbol(";") ? i - 1 : i;
    if (to == from) {
      throw syntax();
    }
    String expr = sql.substring(tokens.get(from).start(), tokens.get(to - 1).end()).trim();
    i = to; // end() takes the ';'
    return new Command.DeleteHistory(table, expr);
  }

  /** {@code INSERT INTO t {json...}} — anything else is left to Calcite. */
  private Command documentInsert() {
    int save = i;
    next();
    if (!accept("into")) {
      i = save;
      return null;
    }
    if (!peek().isIdentifier()) {
      i = save;
      return null;
    }
    String table = qualifiedName();
    if (!peek().isSymbol("{")) {
      i = save;
      return null;
    }
    int start = peek().start();
    int end = sql.length();
    String rest = sql.substring(start, end).trim();
    if (rest.endsWith(";")) {
      rest = rest.substring(0, rest.length() - 1).trim();
    }
    return new Command.DocumentInsert(table, rest);
  }
}
