package io.driftdb.sql.catalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A pg_catalog or information_schema relation: a fixed column list and a function that computes
 * its rows from the catalog snapshot of the running statement. Catalogs are small, so a scan
 * simply materializes them.
 */
final class SystemTable extends AbstractTable implements ScannableTable {
  /** A column of a system relation. */
  record Column(String name, CatalogType type) {}

  /** Fills the rows of a relation for one snapshot. */
  interface RowSource {
    void rows(CatalogSnapshot snap, Rows out);
  }

  private final int oid;
  private final int namespace;
  private final String name;
  private final char relkind;
  private final List<Column> columns;
  private final Map<String, Integer> positions = new HashMap<>();
  private final RowSource source;

  /**
   * @param spec columns as {@code name:type} pairs separated by spaces, in PostgreSQL's order;
   *     types are PostgreSQL's catalog type names (see {@link CatalogType#parse})
   */
  SystemTable(int oid, int namespace, String name, char relkind, String spec, RowSource source) {
    this.oid = oid;
    this.namespace = namespace;
    this.name = name;
    this.relkind = relkind;
    this.source = source;
    List<Column> cols = new ArrayList<>();
    for (String c : spec.trim().split("\\s+")) {
      int colon = c.indexOf(':');
      cols.add(new Column(c.substring(0, colon), CatalogType.parse(c.substring(colon + 1))));
      positions.put(c.substring(0, colon), cols.size() - 1);
    }
    this.columns = List.copyOf(cols);
  }

  int oid() {
    return oid;
  }

  int namespace() {
    return namespace;
  }

  String name() {
    return name;
  }

  char relkind() {
    return relkind;
  }

  List<Column> columns() {
    return columns;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    RelDataTypeFactory.Builder b = f.builder();
    for (Column c : columns) {
      b.add(c.name(), c.type().toType(f));
    }
    return b.build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    Rows out = new Rows();
    source.rows(CatalogSnapshot.of(root), out);
    return Linq4j.asEnumerable(out.list);
  }

  /** Rows under construction; columns a row does not set hold PostgreSQL's zero value. */
  final class Rows {
    private final List<Object[]> list = new ArrayList<>();

    Row add() {
      Object[] values = new Object[columns.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = columns.get(i).type().zero();
      }
      list.add(values);
      return new Row(values);
    }
  }

  /** One row, set by column name; values are converted to the column's runtime type. */
  final class Row {
    private final Object[] values;

    private Row(Object[] values) {
      this.values = values;
    }

    Row set(String column, Object value) {
      Integer p = positions.get(column);
      if (p == null) {
        throw new IllegalArgumentException(name + " has no column " + column);
      }
      values[p] = convert(value, columns.get(p).type());
      return this;
    }
  }

  private static Object convert(Object v, CatalogType t) {
    if (v == null) {
      return null;
    }
    return switch (t) {
      case OID, INT4 -> ((Number) v).intValue();
      case INT2 -> ((Number) v).shortValue();
      case INT8 -> ((Number) v).longValue();
      case FLOAT4 -> ((Number) v).floatValue();
      case TEXT -> v.toString();
      case INT2_ARRAY -> numbers(v, CatalogType.INT2);
      case OID_ARRAY -> numbers(v, CatalogType.OID);
      case TEXT_ARRAY -> numbers(v, CatalogType.TEXT);
      default -> v;
    };
  }

  private static List<Object> numbers(Object v, CatalogType element) {
    List<?> in = v instanceof List<?> l ? l : Arrays.asList((Object[]) v);
    List<Object> out = new ArrayList<>();
    for (Object o : in) {
      out.add(convert(o, element));
    }
    return out;
  }
}
