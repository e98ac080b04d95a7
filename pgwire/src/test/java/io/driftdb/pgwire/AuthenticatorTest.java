package io.driftdb.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.pgwire.auth.AuthenticationException;
import io.driftdb.pgwire.auth.Authenticator;
import io.driftdb.pgwire.auth.CredentialFactory;
import io.driftdb.pgwire.auth.Md5Authenticator;
import io.driftdb.pgwire.auth.ScramSecret;
import io.driftdb.pgwire.auth.ScramSha256Authenticator;
import io.driftdb.pgwire.auth.StoredCredential;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

  private final SecureRandom random = new SecureRandom();
  private final byte[] mockKey = new byte[32];

  @Test
  void scramSecretMatchesRfc7677TestVector() throws Exception {
    // RFC 7677 section 3: user "user", password "pencil".
    byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    ScramSecret secret = CredentialFactory.scramSecret("pencil", salt, 4096);
    String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
        + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
        + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    byte[] serverSignature = hmac(secret.serverKey(), authMessage);
    assertThat(Base64.getEncoder().encodeToString(serverSignature)).isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    byte[] clientSignature = hmac(secret.storedKey(), authMessage);
    byte[] clientKey = xor(proof, clientSignature);
    assertThat(MessageDigest.getInstance("SHA-256").digest(clientKey)).isEqualTo(secret.storedKey());
  }

  @Test
  void scramExchangeSucceedsWithTheRightPassword() throws Exception {
    ScramSecret secret = CredentialFactory.fromPassword("alice", "s3cret").scram();
    ScramSha256Authenticator server = new ScramSha256Authenticator("alice", secret, mockKey, random);
    Authenticator.Request first = server.begin();
    assertThat(first.code()).isEqualTo(10);
    assertThat(new String(first.data(), StandardCharsets.US_ASCII)).isEqualTo("SCRAM-SHA-256\0\0");

    TestScramClient client = new TestScramClient("s3cret");
    Authenticator.Step cont = server.respond(client.initialResponse("n,,"));
    assertThat(cont.done()).isFalse();
    assertThat(cont.reply().code()).isEqualTo(11);
    Authenticator.Step fin = server.respond(client.finalMessage(cont.reply().data()));
    assertThat(fin.done()).isTrue();
    assertThat(fin.reply().code()).isEqualTo(12);
    assertThat(new String(fin.reply().data(), StandardCharsets.US_ASCII)).isEqualTo("v=" + client.expectedServerSignature());
  }

  @Test
  void scramRejectsTheWrongPasswordAndUnknownUsersAlike() throws Exception {
    ScramSecret secret = CredentialFactory.fromPassword("alice", "s3cret").scram();
    ScramSha256Authenticator server = new ScramSha256Authenticator("alice", secret, mockKey, random);
    TestScramClient client = new TestScramClient("wrong");
    Authenticator.Step cont = server.respond(client.initialResponse("n,,"));
    assertThatThrownBy(() -> server.respond(client.finalMessage(cont.reply().data())))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("password authentication failed for user \"alice\"")
        .satisfies(e -> assertThat(((AuthenticationException) e).sqlState()).isEqualTo("28P01"));

    // Unknown user: same exchange, stable fake salt, same failure.
    String salt1 = saltOf(new ScramSha256Authenticator("ghost", null, mockKey, random));
    String salt2 = saltOf(new ScramSha256Authenticator("ghost", null, mockKey, random));
    assertThat(salt1).isEqualTo(salt2);
    ScramSha256Authenticator ghost = new ScramSha256Authenticator("ghost", null, mockKey, random);
    TestScramClient c2 = new TestScramClient("anything");
    Authenticator.Step step = ghost.respond(c2.initialResponse("y,,"));
    assertThatThrownBy(() -> ghost.respond(c2.finalMessage(step.reply().data())))
        .hasMessage("password authentication failed for user \"ghost\"");
  }

  @Test
  void scramRejectsChannelBindingAndMalformedMessages() throws Exception {
    ScramSecret secret = CredentialFactory.fromPassword("alice", "s3cret").scram();
    TestScramClient client = new TestScramClient("s3cret");
    assertThatThrownBy(() -> new ScramSha256Authenticator("alice", secret, mockKey, random)
        .respond(client.initialResponse("p=tls-server-end-point,,")))
        .satisfies(e -> assertThat(((AuthenticationException) e).sqlState()).isEqualTo("08P01"));
    assertThatThrownBy(() -> new ScramSha256Authenticator("alice", secret, mockKey, random)
        .respond(client.initialResponse("n,a=admin,")))
        .satisfies(e -> assertThat(((AuthenticationException) e).sqlState()).isEqualTo("0A000"));
    assertThatThrownBy(() -> new ScramSha256Authenticator("alice", secret, mockKey, random)
        .respond("SCRAM-SHA-1\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII)))
        .satisfies(e -> assertThat(((AuthenticationException) e).sqlState()).isEqualTo("08P01"));
    ScramSha256Authenticator server = new ScramSha256Authenticator("alice", secret, mockKey, random);
    server.respond(client.initialResponse("n,,"));
    assertThatThrownBy(() -> server.respond("c=biws,r=tampered,p=AAAA".getBytes(StandardCharsets.US_ASCII)))
        .satisfies(e -> assertThat(((AuthenticationException) e).sqlState()).isEqualTo("08P01"));
  }

  @Test
  void md5ExchangeChecksTheSaltedHash() throws Exception {
    String stored = CredentialFactory.md5Hash("bob", "pw");
    assertThat(stored).isEqualTo("md5" + md5Hex(("pw" + "bob").getBytes(StandardCharsets.UTF_8)));
    Md5Authenticator server = new Md5Authenticator("bob", stored, random);
    Authenticator.Request request = server.begin();
    assertThat(request.code()).isEqualTo(5);
    byte[] salt = request.data();
    assertThat(server.respond(md5Answer("bob", "pw", salt)).done()).isTrue();
    Md5Authenticator again = new Md5Authenticator("bob", stored, random);
    byte[] salt2 = again.begin().data();
    assertThatThrownBy(() -> again.respond(md5Answer("bob", "nope", salt2))).hasMessageContaining("password authentication failed");
  }

  @Test
  void credentialsRoundTripThroughPostgresTextForm() {
    StoredCredential c = CredentialFactory.fromPassword("u", "p");
    assertThat(StoredCredential.parse(c.scram().encode()).scram()).isEqualTo(c.scram());
    assertThat(StoredCredential.parse(c.md5Hash()).md5Hash()).isEqualTo(c.md5Hash());
    assertThat(c.toString()).doesNotContain(c.md5Hash());
    assertThatThrownBy(() -> CredentialFactory.fromPassword("u", "")).isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- an independent test client

  /** A SCRAM-SHA-256 client written against RFC 5802 with the JDK's PBKDF2, independent of the server code. */
  static final class TestScramClient {
    private final String password;
    private final String clientNonce;
    private String gs2;
    private String clientFirstBare;
    private String expectedServerSignature;

    TestScramClient(String password) {
      this.password = password;
      byte[] n = new byte[18];
      new SecureRandom().nextBytes(n);
      this.clientNonce = Base64.getEncoder().encodeToString(n);
    }

    byte[] initialResponse(String gs2Header) throws Exception {
      gs2 = gs2Header;
      clientFirstBare = "n=*,r=" + clientNonce;
      byte[] msg = (gs2Header + clientFirstBare).getBytes(StandardCharsets.US_ASCII);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write("SCRAM-SHA-256\0".getBytes(StandardCharsets.US_ASCII));
      out.write(ByteBuffer.allocate(4).putInt(msg.length).array());
      out.write(msg);
      return out.toByteArray();
    }

    byte[] finalMessage(byte[] serverFirstBytes) throws Exception {
      String serverFirst = new String(serverFirstBytes, StandardCharsets.US_ASCII);
      String nonce = null;
      byte[] salt = null;
      int iterations = 0;
      for (String attr : serverFirst.split(",")) {
        switch (attr.charAt(0)) {
          case 'r' -> nonce = attr.substring(2);
          case 's' -> salt = Base64.getDecoder().decode(attr.substring(2));
          case 'i' -> iterations = Integer.parseInt(attr.substring(2));
          default -> { }
        }
      }
      assertThat(nonce).startsWith(clientNonce);
      SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      byte[] salted = f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      String withoutProof = "c=" + Base64.getEncoder().encodeToString(gs2.getBytes(StandardCharsets.US_ASCII)) + ",r=" + nonce;
      String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
      byte[] proof = xor(clientKey, hmac(storedKey, authMessage));
      expectedServerSignature = Base64.getEncoder().encodeToString(hmac(hmac(salted, "Server Key"), authMessage));
      return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.US_ASCII);
    }

    String expectedServerSignature() {
      return expectedServerSignature;
    }
  }

  private String saltOf(ScramSha256Authenticator server) throws Exception {
    byte[] reply = server.respond(new TestScramClient("x").initialResponse("n,,")).reply().data();
    for (String attr : new String(reply, StandardCharsets.US_ASCII).split(",")) {
      if (attr.startsWith("s=")) {
        return attr;
      }
    }
    throw new AssertionError("no salt");
  }

  static byte[] md5Answer(String user, String password, byte[] salt) throws Exception {
    String inner = md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
    byte[] innerBytes = inner.getBytes(StandardCharsets.US_ASCII);
    byte[] salted = new byte[innerBytes.length + 4];
    System.arraycopy(innerBytes, 0, salted, 0, innerBytes.length);
    System.arraycopy(salt, 0, salted, innerBytes.length, 4);
    return RawPgClient.cstring("md5" + md5Hex(salted));
  }

  static String md5Hex(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }

  static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }
}
