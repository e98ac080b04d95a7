package io.driftdb.sql.catalog;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.CallImplementor;
import org.apache.calcite.adapter.enumerable.EnumUtils;
import org.apache.calcite.adapter.enumerable.NullPolicy;
import org.apache.calcite.adapter.enumerable.RexImpTable;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.ImplementableFunction;
import org.apache.calcite.schema.ScalarFunction;

/**
 * A SQL function backed by a static Java method, with SQL types declared explicitly (Calcite's
 * reflective UDFs cannot return arrays or take "any" arguments). When the method's first
 * parameter is a {@link DataContext}, the generated code passes the running statement's
 * context, so catalog functions read the statement's snapshot; outside a statement (constant
 * folding at plan time) they fail and Calcite keeps the call for run time.
 */
final class PgFunction implements ScalarFunction, ImplementableFunction {
  private final Method method;
  private final java.util.function.Function<RelDataTypeFactory, RelDataType> ret;
  private final List<CatalogType> params;
  private final boolean wantsContext;

  private PgFunction(Method method, java.util.function.Function<RelDataTypeFactory, RelDataType> ret,
                     List<CatalogType> params) {
    this.method = method;
    this.ret = ret;
    this.params = params;
    Class<?>[] p = method.getParameterTypes();
    this.wantsContext = p.length > 0 && p[0] == DataContext.class;
    if (!Modifier.isStatic(method.getModifiers()) || p.length != params.size() + (wantsContext ? 1 : 0)) {
      throw new IllegalArgumentException("bad catalog function binding: " + method);
    }
  }

  /** The static method {@code name} of {@code owner} whose arity matches {@code params}. */
  static PgFunction of(Class<?> owner, String name, CatalogType ret, CatalogType... params) {
    return of(owner, name, ret::toType, params);
  }

  static PgFunction of(Class<?> owner, String name, java.util.function.Function<RelDataTypeFactory, RelDataType> ret,
                       CatalogType... params) {
    for (Method m : owner.getDeclaredMethods()) {
      if (!m.getName().equals(name)) {
        continue;
      }
      int n = m.getParameterCount();
      boolean ctx = n > 0 && m.getParameterTypes()[0] == DataContext.class;
      if (n - (ctx ? 1 : 0) == params.length) {
        m.setAccessible(true);
        return new PgFunction(m, ret, List.of(params));
      }
    }
    throw new IllegalArgumentException("no method " + name + "/" + params.length + " in " + owner);
  }

  @Override
  public RelDataType getReturnType(RelDataTypeFactory f) {
    return ret.apply(f);
  }

  @Override
  public List<FunctionParameter> getParameters() {
    List<FunctionParameter> out = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      int ordinal = i;
      out.add(new FunctionParameter() {
        @Override
        public int getOrdinal() {
          return ordinal;
        }

        @Override
        public String getName() {
          return "arg" + ordinal;
        }

        @Override
        public RelDataType getType(RelDataTypeFactory f) {
          return params.get(ordinal).toType(f);
        }

        @Override
        public boolean isOptional() {
          return false;
        }
      });
    }
    return out;
  }

  @Override
  public CallImplementor getImplementor() {
    Class<?>[] javaTypes = method.getParameterTypes();
    int skip = wantsContext ? 1 : 0;
    return RexImpTable.createImplementor((translator, call, operands) -> {
      List<Expression> args = new ArrayList<>();
      if (wantsContext) {
        args.add(translator.getRoot());
      }
      for (int i = 0; i < operands.size(); i++) {
        args.add(EnumUtils.convert(operands.get(i), javaTypes[i + skip]));
      }
      return Expressions.call(method, args);
    }, NullPolicy.NONE, false);
  }

  @Override
  public String toString() {
    return method.getName() + Arrays.toString(params.toArray());
  }
}
