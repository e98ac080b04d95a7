package io.driftdb.sql.plan;

import io.driftdb.sql.SqlError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;

/** Turns Calcite's exceptions into PostgreSQL errors with the SQLSTATE clients expect. */
public final class ErrorTranslator {
  private static final Pattern OBJECT_NOT_FOUND = Pattern.compile("Object '([^']+)' not found");
  private static final Pattern TABLE_NOT_FOUND = Pattern.compile("Table '([^']+)' not found");
  private static final Pattern COLUMN_NOT_FOUND = Pattern.compile("Column '([^']+)' not found");
  private static final Pattern NO_FUNCTION = Pattern.compile("No match found for function signature ([^\\s]+)");

  private ErrorTranslator() {}

  static String parseMessage(SqlParseException e) {
    String m = e.getMessage();
    if (m == null) {
      return "syntax error";
    }
    int nl = m.indexOf('\n');
    String first = nl > 0 ? m.substring(0, nl) : m;
    Matcher enc = Pattern.compile("Encountered \"(.*?)\" at").matcher(first);
    if (enc.find()) {
      return "syntax error at or near \"" + enc.group(1).trim() + "\"";
    }
    return "syntax error: " + first;
  }

  public static SqlError translate(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof SqlError s) {
        return s;
      }
      root = root.getCause();
    }
    if (root instanceof SqlError s) {
      return s;
    }
    String msg = root.getMessage() == null ? root.toString() : root.getMessage();
    String ctx = t instanceof CalciteContextException ? t.getMessage() : msg;
    Matcher m = OBJECT_NOT_FOUND.matcher(msg);
    if (m.find() || (m = TABLE_NOT_FOUND.matcher(msg)).find()) {
      return new SqlError(SqlError.UNDEFINED_TABLE, "relation \"" + m.group(1).toLowerCase() + "\" does not exist", t);
    }
    m = COLUMN_NOT_FOUND.matcher(msg);
    if (m.find()) {
      return new SqlError(SqlError.UNDEFINED_COLUMN, "column \"" + m.group(1) + "\" does not exist", t);
    }
    Matcher self = Pattern.compile("The definition of column '([^']+)' depends on itself").matcher(msg);
    if (self.find()) {
      // BABEL conformance resolves unknown names against select aliases first.
      return new SqlError(SqlError.UNDEFINED_COLUMN, "column \"" + self.group(1) + "\" does not exist", t);
    }
    m = NO_FUNCTION.matcher(msg);
    if (m.find()) {
      return new SqlError(SqlError.UNDEFINED_FUNCTION, "function " + m.group(1) + " does not exist", t);
    }
    if (msg.contains("Cannot apply") || msg.contains("Cannot assign") || msg.contains("incompatible types")
        || msg.contains("must have compatible types") || msg.contains("Type mismatch")
        || msg.contains("Cast function cannot convert")) {
      return new SqlError(SqlError.DATATYPE_MISMATCH, msg, t);
    }
    if (root instanceof NumberFormatException && (ctx.contains("TIMESTAMP") || msg.contains("For input string"))
        && t instanceof ExceptionInInitializerError) {
      return new SqlError("22007", "invalid input syntax for type timestamp: " + msg, t);
    }
    if (root instanceof NumberFormatException || msg.contains("Invalid character for cast")
        || msg.contains("Unparseable date")) {
      return new SqlError(SqlError.INVALID_TEXT_REPRESENTATION, "invalid input syntax: " + msg, t);
    }
    if (root instanceof ArithmeticException && msg.contains("by zero")) {
      return new SqlError(SqlError.DIVISION_BY_ZERO, "division by zero", t);
    }
    if (root instanceof ArithmeticException) {
      return new SqlError(SqlError.NUMERIC_OUT_OF_RANGE, msg, t);
    }
    if (msg.contains("Illegal use of dynamic parameter")) {
      return new SqlError("42P18", "could not determine data type of parameter", t);
    }
    if (t instanceof CalciteContextException || root.getClass().getName().contains("SqlValidatorException")) {
      return new SqlError("42000", ctx, t);
    }
    return new SqlError(SqlError.INTERNAL_ERROR, msg, t);
  }
}
