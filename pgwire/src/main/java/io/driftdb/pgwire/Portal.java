package io.driftdb.pgwire;

import io.driftdb.sql.QueryResult;
import java.util.List;

/**
 * A bound statement ready to run. The statement executes on the first Execute; when Execute
 * limits the row count, the remaining rows stay here (cursor) for the next Execute, which lets
 * pgJDBC's setFetchSize page through a result.
 */
final class Portal {

  private final String name;
  private final ParsedStatement statement;
  private final List<Object> parameters;
  private final short[] resultFormats;
  private QueryResult result;
  private int cursor;
  private boolean suspended;

  Portal(String name, ParsedStatement statement, List<Object> parameters, short[] resultFormats) {
    this.name = name;
    this.statement = statement;
    this.parameters = parameters;
    this.resultFormats = resultFormats;
  }

  String name() {
    return name;
  }

  ParsedStatement statement() {
    return statement;
  }

  List<Object> parameters() {
    return parameters;
  }

  short[] resultFormats() {
    return resultFormats;
  }

  QueryResult result() {
    return result;
  }

  void result(QueryResult r) {
    result = r;
  }

  int cursor() {
    return cursor;
  }

  void advance(int rows) {
    cursor += rows;
  }

  boolean wasSuspended() {
    return suspended;
  }

  void suspended() {
    suspended = true;
  }
}
