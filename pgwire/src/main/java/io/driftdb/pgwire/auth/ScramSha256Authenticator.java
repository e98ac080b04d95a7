package io.driftdb.pgwire.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding, as PostgreSQL runs
 * it: AuthenticationSASL advertises only {@code SCRAM-SHA-256}; the client-first message names
 * the mechanism and its nonce (the SCRAM user name is ignored: the startup user counts); the
 * server answers with its nonce, salt and iterations; the client proves knowledge of the password
 * and the server proves knowledge of the verifier in AuthenticationSASLFinal.
 *
 * <p>For a user without a SCRAM secret the exchange runs against a fake secret whose salt is
 * derived from the user name, then fails, so the reply does not reveal whether the user exists.
 */
public final class ScramSha256Authenticator implements Authenticator {

  public static final String MECHANISM = "SCRAM-SHA-256";
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private enum State { INITIAL, SENT_SERVER_FIRST, DONE }

  private final String user;
  private final ScramSecret secret;
  private final boolean doomed;
  private final SecureRandom random;
  private State state = State.INITIAL;
  private String gs2Header;
  private String clientFirstBare;
  private String serverFirst;
  private String nonce;

  /**
   * @param secret the user's verifier, or null for an unknown user
   * @param mockKey per-server random key used to derive a stable fake salt for unknown users
   */
  public ScramSha256Authenticator(String user, ScramSecret secret, byte[] mockKey, SecureRandom random) {
    this.user = user;
    this.random = random;
    if (secret != null) {
      this.secret = secret;
      this.doomed = false;
    } else {
      byte[] fakeSalt = Arrays.copyOf(ScramCrypto.hmac(mockKey, "salt:" + user), 16);
      byte[] fakeKey = ScramCrypto.hmac(mockKey, "key:" + user);
      this.secret = new ScramSecret(fakeSalt, CredentialFactory.DEFAULT_ITERATIONS, fakeKey, fakeKey);
      this.doomed = true;
    }
  }

  @Override
  public Request begin() {
    // Mechanism list: cstrings ended by an empty one.
    byte[] name = MECHANISM.getBytes(StandardCharsets.US_ASCII);
    byte[] data = Arrays.copyOf(name, name.length + 2);
    return new Request(10, data);
  }

  @Override
  public Step respond(byte[] payload) {
    switch (state) {
      case INITIAL:
        return clientFirst(payload);
      case SENT_SERVER_FIRST:
        return clientFinal(payload);
      default:
        throw new AuthenticationException("08P01", "unexpected SASL message after authentication");
    }
  }

  private Step clientFirst(byte[] payload) {
    // SASLInitialResponse: mechanism cstring, int32 length (-1 = none), data.
    ByteBuffer buf = ByteBuffer.wrap(payload);
    int zero = indexOf(payload, (byte) 0);
    if (zero < 0) {
      throw new AuthenticationException("08P01", "malformed SASLInitialResponse message");
    }
    String mechanism = new String(payload, 0, zero, StandardCharsets.UTF_8);
    if (!mechanism.equals(MECHANISM)) {
      throw new AuthenticationException("08P01",
          "client selected an invalid SASL authentication mechanism \"" + mechanism + "\"");
    }
    buf.position(zero + 1);
    if (buf.remaining() < 4) {
      throw new AuthenticationException("08P01", "malformed SASLInitialResponse message");
    }
    int len = buf.getInt();
    if (len < 0 || len != buf.remaining()) {
      throw new AuthenticationException("08P01", "malformed SASLInitialResponse message");
    }
    String message = new String(payload, buf.position(), len, StandardCharsets.UTF_8);

    // gs2-header: cbind-flag "," [authzid] ","
    if (message.isEmpty()) {
      throw AuthenticationException.malformed("empty client-first-message");
    }
    char flag = message.charAt(0);
    if (flag == 'p') {
      throw new AuthenticationException("08P01",
          "the client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data");
    }
    if ((flag != 'n' && flag != 'y') || message.length() < 2 || message.charAt(1) != ',') {
      throw AuthenticationException.malformed("unexpected channel-binding flag");
    }
    int second = message.indexOf(',', 2);
    if (second < 0) {
      throw AuthenticationException.malformed("missing authzid separator");
    }
    if (second != 2) {
      throw new AuthenticationException("0A000", "client uses authorization identity, but it is not supported");
    }
    gs2Header = message.substring(0, 3);
    clientFirstBare = message.substring(3);
    String[] attrs = clientFirstBare.split(",", -1);
    if (attrs.length < 2 || attrs[0].startsWith("m=")) {
      throw AuthenticationException.malformed("unsupported SCRAM extension or missing attributes");
    }
    if (!attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) {
      throw AuthenticationException.malformed("expected user name and nonce");
    }
    String clientNonce = attrs[1].substring(2);
    if (clientNonce.isEmpty() || !clientNonce.chars().allMatch(c -> c >= 0x21 && c <= 0x7E && c != ',')) {
      throw AuthenticationException.malformed("invalid client nonce");
    }
    byte[] serverNonceBytes = new byte[18];
    random.nextBytes(serverNonceBytes);
    nonce = clientNonce + B64.encodeToString(serverNonceBytes);
    serverFirst = "r=" + nonce + ",s=" + B64.encodeToString(secret.salt()) + ",i=" + secret.iterations();
    state = State.SENT_SERVER_FIRST;
    return new Step(new Request(11, serverFirst.getBytes(StandardCharsets.US_ASCII)), false);
  }

  private Step clientFinal(byte[] payload) {
    state = State.DONE;
    String message = new String(payload, StandardCharsets.UTF_8);
    int proofAt = message.lastIndexOf(",p=");
    if (proofAt < 0 || !message.startsWith("c=")) {
      throw AuthenticationException.malformed("client-final-message lacks channel binding or proof");
    }
    String withoutProof = message.substring(0, proofAt);
    String[] attrs = withoutProof.split(",", -1);
    if (attrs.length < 2 || !attrs[1].startsWith("r=")) {
      throw AuthenticationException.malformed("client-final-message lacks nonce");
    }
    byte[] binding;
    byte[] proof;
    try {
      binding = B64D.decode(attrs[0].substring(2));
      proof = B64D.decode(message.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw AuthenticationException.malformed("invalid base64");
    }
    if (!Arrays.equals(binding, gs2Header.getBytes(StandardCharsets.US_ASCII))) {
      throw new AuthenticationException("08P01", "SCRAM channel binding check failed");
    }
    if (!attrs[1].substring(2).equals(nonce)) {
      throw AuthenticationException.malformed("nonce mismatch");
    }
    if (proof.length != 32) {
      throw AuthenticationException.malformed("invalid proof length");
    }
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientSignature = ScramCrypto.hmac(secret.storedKey(), authMessage);
    byte[] clientKey = new byte[32];
    for (int i = 0; i < 32; i++) {
      clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
    }
    boolean ok = MessageDigest.isEqual(ScramCrypto.sha256(clientKey), secret.storedKey());
    if (!ok || doomed) {
      throw AuthenticationException.failed(user);
    }
    byte[] serverSignature = ScramCrypto.hmac(secret.serverKey(), authMessage);
    String serverFinal = "v=" + B64.encodeToString(serverSignature);
    return new Step(new Request(12, serverFinal.getBytes(StandardCharsets.US_ASCII)), true);
  }

  private static int indexOf(byte[] data, byte b) {
    for (int i = 0; i < data.length; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
