package io.driftdb.pgwire.codec;

import io.driftdb.sql.PgType;
import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * PostgreSQL's binary numeric: int16 ndigits, int16 weight (base-10000 exponent of the first
 * digit), int16 sign (0x0000 positive, 0x4000 negative, 0xC000 NaN), int16 dscale (decimal digits
 * after the point), then ndigits int16 base-10000 digits without leading or trailing zero groups.
 */
final class NumericBinary {

  private static final int POSITIVE = 0x0000;
  private static final int NEGATIVE = 0x4000;
  private static final int NAN = 0xC000;
  private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

  private NumericBinary() {}

  static void encode(BigDecimal value, ByteBuf out) {
    int dscale = Math.max(0, value.scale());
    BigDecimal abs = value.abs().setScale(dscale);
    String plain = abs.toPlainString();
    int point = plain.indexOf('.');
    String intPart = point < 0 ? plain : plain.substring(0, point);
    String fracPart = point < 0 ? "" : plain.substring(point + 1);
    if (intPart.equals("0")) {
      intPart = "";
    }
    // Left-pad the integer part and right-pad the fraction to whole base-10000 groups.
    int intGroups = (intPart.length() + 3) / 4;
    String paddedInt = "0".repeat(intGroups * 4 - intPart.length()) + intPart;
    int fracGroups = (fracPart.length() + 3) / 4;
    String paddedFrac = fracPart + "0".repeat(fracGroups * 4 - fracPart.length());
    String all = paddedInt + paddedFrac;
    int groups = intGroups + fracGroups;
    short[] digits = new short[groups];
    for (int i = 0; i < groups; i++) {
      digits[i] = Short.parseShort(all.substring(i * 4, i * 4 + 4));
    }
    int weight = intGroups - 1;
    int first = 0;
    while (first < groups && digits[first] == 0) {
      first++;
      weight--;
    }
    int last = groups - 1;
    while (last >= first && digits[last] == 0) {
      last--;
    }
    int ndigits = last - first + 1;
    if (ndigits == 0) {
      weight = 0;
    }
    out.writeShort(ndigits);
    out.writeShort(weight);
    out.writeShort(ndigits == 0 || value.signum() >= 0 ? POSITIVE : NEGATIVE);
    out.writeShort(dscale);
    for (int i = first; i <= last; i++) {
      out.writeShort(digits[i]);
    }
  }

  static BigDecimal decode(ByteBuf in) {
    if (in.readableBytes() < 8) {
      throw CodecException.badBinary(PgType.NUMERIC, "too short");
    }
    int ndigits = in.readUnsignedShort();
    int weight = in.readShort();
    int sign = in.readUnsignedShort();
    int dscale = in.readUnsignedShort();
    if (sign == NAN) {
      throw new CodecException("0A000", "numeric NaN is not supported");
    }
    if ((sign != POSITIVE && sign != NEGATIVE) || in.readableBytes() != ndigits * 2 || dscale > 0x3FFF) {
      throw CodecException.badBinary(PgType.NUMERIC, "invalid header");
    }
    BigInteger unscaled = BigInteger.ZERO;
    for (int i = 0; i < ndigits; i++) {
      int d = in.readShort();
      if (d < 0 || d >= 10_000) {
        throw CodecException.badBinary(PgType.NUMERIC, "invalid digit");
      }
      unscaled = unscaled.multiply(TEN_THOUSAND).add(BigInteger.valueOf(d));
    }
    // value = unscaled * 10000^(weight - ndigits + 1)
    BigDecimal value = new BigDecimal(unscaled).scaleByPowerOfTen(4 * (weight - ndigits + 1));
    if (sign == NEGATIVE) {
      value = value.negate();
    }
    try {
      return value.setScale(dscale);
    } catch (ArithmeticException e) {
      throw CodecException.badBinary(PgType.NUMERIC, "digits beyond dscale");
    }
  }
}
