package io.driftdb.materializer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which table a name meant at each point of the log, and the users. Table names are
 * case-insensitive (stored lower-case). Written by the materializer thread, read by anyone.
 */
public final class Catalog {
  /** A name bound to a table incarnation for SEQs in [fromSeq, toSeq). */
  public record Binding(String name, long tableId, long fromSeq, long toSeq) {}

  private final Map<Long, TableData> tables = new ConcurrentHashMap<>();
  private volatile List<Binding> bindings = List.of();
  private final Map<String, Map<String, String>> users = new ConcurrentHashMap<>();

  public TableData table(long tableId) {
    return tables.get(tableId);
  }

  /** The table {@code name} denoted at {@code seq}. */
  public Optional<TableData> resolve(String name, long seq) {
    String n = name.toLowerCase();
    for (Binding b : bindings) {
      if (b.name().equals(n) && b.fromSeq() <= seq && seq < b.toSeq()) {
        return Optional.ofNullable(tables.get(b.tableId()));
      }
    }
    return Optional.empty();
  }

  /** Every incarnation ever bound to {@code name}, oldest first. */
  public List<Binding> history(String name) {
    String n = name.toLowerCase();
    List<Binding> out = new ArrayList<>();
    for (Binding b : bindings) {
      if (b.name().equals(n)) {
        out.add(b);
      }
    }
    return out;
  }

  /** Tables by name as of {@code seq}, in creation order. */
  public Map<String, TableData> tablesAt(long seq) {
    Map<String, TableData> out = new LinkedHashMap<>();
    for (Binding b : bindings) {
      if (b.fromSeq() <= seq && seq < b.toSeq()) {
        out.put(b.name(), tables.get(b.tableId()));
      }
    }
    return out;
  }

  /** Every name that was ever bound to a table. */
  public List<String> allNames() {
    List<String> out = new ArrayList<>();
    for (Binding b : bindings) {
      if (!out.contains(b.name())) {
        out.add(b.name());
      }
    }
    return out;
  }

  public Map<String, String> user(String name) {
    return users.get(name);
  }

  public Map<String, Map<String, String>> users() {
    return Map.copyOf(users);
  }

  /** Bindings as they stand, for snapshots. */
  public List<Binding> bindings() {
    return bindings;
  }

  /** Every table incarnation, for snapshots. */
  public java.util.Collection<TableData> tables() {
    return tables.values();
  }

  // ---- writer side ----

  void restore(List<Binding> restoredBindings, Map<Long, TableData> restoredTables) {
    tables.putAll(restoredTables);
    bindings = List.copyOf(restoredBindings);
  }

  void addTable(TableData data, String name, long seq) {
    tables.put(data.tableId(), data);
    List<Binding> next = new ArrayList<>(bindings);
    next.add(new Binding(name.toLowerCase(), data.tableId(), seq, Long.MAX_VALUE));
    bindings = List.copyOf(next);
  }

  void unbind(long tableId, long seq) {
    List<Binding> next = new ArrayList<>();
    for (Binding b : bindings) {
      next.add(b.tableId() == tableId && b.toSeq() == Long.MAX_VALUE
          ? new Binding(b.name(), b.tableId(), b.fromSeq(), seq) : b);
    }
    bindings = List.copyOf(next);
  }

  void rebind(long tableId, String newName, long seq) {
    unbind(tableId, seq);
    List<Binding> next = new ArrayList<>(bindings);
    next.add(new Binding(newName.toLowerCase(), tableId, seq, Long.MAX_VALUE));
    bindings = List.copyOf(next);
  }

  void putUser(String name, Map<String, String> props) {
    users.put(name, Map.copyOf(props));
  }

  void dropUser(String name) {
    users.remove(name);
  }
}
