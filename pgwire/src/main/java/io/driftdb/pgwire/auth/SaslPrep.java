package io.driftdb.pgwire.auth;

import java.text.Normalizer;

/**
 * A pragmatic SASLprep (RFC 4013) for SCRAM passwords, following PostgreSQL: non-ASCII spaces
 * become U+0020, "commonly mapped to nothing" characters are removed, the result is NFKC
 * normalised; if a prohibited character remains, the raw password is used unchanged (as
 * PostgreSQL does), so both sides still agree. ASCII passwords pass through untouched.
 */
final class SaslPrep {

  private SaslPrep() {}

  static String prepare(String password) {
    if (password.chars().allMatch(c -> c < 0x80)) {
      return password;
    }
    StringBuilder mapped = new StringBuilder(password.length());
    for (int i = 0; i < password.length(); ) {
      int cp = password.codePointAt(i);
      i += Character.charCount(cp);
      if (isMappedToNothing(cp)) {
        continue;
      }
      mapped.appendCodePoint(isNonAsciiSpace(cp) ? ' ' : cp);
    }
    String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    for (int i = 0; i < normalized.length(); ) {
      int cp = normalized.codePointAt(i);
      i += Character.charCount(cp);
      if (isProhibited(cp)) {
        return password;
      }
    }
    return normalized;
  }

  private static boolean isMappedToNothing(int cp) {
    return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D) || cp == 0x200B
        || cp == 0x200C || cp == 0x200D || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
  }

  private static boolean isNonAsciiSpace(int cp) {
    return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F
        || cp == 0x3000;
  }

  private static boolean isProhibited(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.PRIVATE_USE || type == Character.SURROGATE
        || type == Character.UNASSIGNED || (cp >= 0xFFFA && cp <= 0xFFFD) || (cp >= 0xE0001 && cp <= 0xE007F)
        || (cp >= 0x2FF0 && cp <= 0x2FFB) || (cp >= 0x200E && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E)
        || (cp >= 0x206A && cp <= 0x206F);
  }
}
