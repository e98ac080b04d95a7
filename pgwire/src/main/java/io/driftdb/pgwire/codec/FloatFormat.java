package io.driftdb.pgwire.codec;

import java.math.BigDecimal;

/**
 * Formats floats the way PostgreSQL 12+ does with the default extra_float_digits (1): the
 * shortest digits that round-trip, in plain notation unless the decimal exponent is below -4 or
 * at least FLT_DIG (6) / DBL_DIG (15), then as {@code 1.5e+20}. Clients parse either form, but
 * matching the server keeps psql output and tests comparable with real PostgreSQL.
 */
public final class FloatFormat {

  private FloatFormat() {}

  public static String format(double value) {
    return format(value, Double.toString(value), 15);
  }

  public static String format(float value) {
    return format(value, Float.toString(value), 6);
  }

  private static String format(double value, String javaRepr, int precision) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    if (value == 0) {
      return (1 / value < 0) ? "-0" : "0";
    }
    // Java's toString yields digits that round-trip; re-layout them in PostgreSQL's style.
    BigDecimal decimal = new BigDecimal(javaRepr).stripTrailingZeros();
    String digits = decimal.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - decimal.scale();
    String sign = decimal.signum() < 0 ? "-" : "";
    if (exponent < -4 || exponent >= precision) {
      StringBuilder sb = new StringBuilder(sign).append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exponent < 0 ? '-' : '+');
      int abs = Math.abs(exponent);
      if (abs < 10) {
        sb.append('0');
      }
      return sb.append(abs).toString();
    }
    return sign + decimal.abs().toPlainString();
  }
}
