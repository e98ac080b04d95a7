package io.driftdb.sql.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftdb.log.kafka.GatewayConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 6d: bad input gets a clear error, changes nothing (the head SEQ does not move),
 * and the gateway keeps serving another client.
 */
class KafkaBadInputTest {
  @TempDir
  Path dir;
  private KafkaDb db;

  @BeforeEach
  void open() {
    db = new KafkaDb(dir, GatewayConfig.of("127.0.0.1", 0).withMaxMessageBytes(64 * 1024));
    db.exec("CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, age INT CHECK (age >= 0))");
    db.exec("INSERT INTO users VALUES ('u0', 'Zero', 0)");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static Throwable cause(Throwable t) {
    return t instanceof ExecutionException ? t.getCause() : t;
  }

  @Test
  void malformedAndInvalidRecordsRejectTheWholeBatch() {
    long seq = db.headSeq();
    try (KafkaProducer<String, String> p = db.producer()) {
      String[][] bad = {
          {"u1", "{\"name\": \"Ann\""},                      // truncated JSON
          {"u1", "[1, 2]"},                                  // not an object
          {"u1", "{\"name\": \"Ann\", \"shoe_size\": 41}"},  // no such column
          {"u1", "{\"name\": \"Ann\", \"age\": \"old\"}"},   // wrong type
          {"u1", "{\"age\": 3}"},                            // NOT NULL column missing
          {"u1", "{\"name\": \"Ann\", \"age\": -1}"},        // CHECK violation (from SQL)
          {"u1", "{\"id\": \"u9\", \"name\": \"Ann\"}"},     // key and value disagree
      };
      String[] expected = {"not valid JSON", "must be a JSON object", "column \"shoe_size\" of relation \"users\" "
          + "does not exist", "invalid input syntax for type integer: \"old\"", "violates not-null constraint",
          "violates check constraint", "the key says id = u1 but the value has id = u9"};
      for (int i = 0; i < bad.length; i++) {
        String[] r = bad[i];
        int n = i;
        assertThatThrownBy(() -> p.send(new ProducerRecord<>("users", r[0], r[1])).get())
            .satisfies(t -> assertThat(cause(t)).as("case " + n).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining(expected[n]));
      }
    }
    assertThat(db.headSeq()).as("nothing was committed").isEqualTo(seq);
    assertThat(db.rows("SELECT id FROM users")).containsExactly("u0");

    // One bad record among good ones: the batch is one transaction, so none of it is written.
    try (KafkaProducer<String, String> p = db.producer(ProducerConfig.LINGER_MS_CONFIG, 500)) {
      var good = p.send(new ProducerRecord<>("users", "u1", "{\"name\": \"One\"}"));
      var broken = p.send(new ProducerRecord<>("users", "u2", "{\"name\": 2, }"));
      p.flush();
      assertThatThrownBy(good::get).satisfies(t -> assertThat(cause(t)).isInstanceOf(KafkaException.class)
          .hasMessageContaining("part of a batch which had one more more invalid records"));
      assertThatThrownBy(broken::get).satisfies(t -> assertThat(cause(t)).isInstanceOf(InvalidRecordException.class)
          .hasMessageContaining("record 1"));
    }
    assertThat(db.headSeq()).isEqualTo(seq);
    assertThat(db.rows("SELECT id FROM users")).containsExactly("u0");
  }

  @Test
  void oversizedRecordIsRefused() throws Exception {
    long seq = db.headSeq();
    try (KafkaProducer<String, String> p = db.producer(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "none")) {
      String big = "{\"name\": \"" + "x".repeat(200_000) + "\"}";
      assertThatThrownBy(() -> p.send(new ProducerRecord<>("users", "big", big)).get())
          .satisfies(t -> assertThat(cause(t)).isInstanceOf(RecordTooLargeException.class));
      assertThat(db.headSeq()).isEqualTo(seq);
      // The same producer keeps working.
      long ok = p.send(new ProducerRecord<>("users", "u5", "{\"name\": \"Five\"}")).get().offset();
      assertThat(ok).isEqualTo(seq + 1);
    }
    assertThat(db.rows("SELECT id FROM users ORDER BY id")).containsExactly("u0", "u5");
  }

  @Test
  void unknownApiVersionAndGarbageBytesLeaveTheGatewayServing() throws Exception {
    long seq = db.headSeq();
    int port = db.gateway.address().getPort();
    try (Socket s = new Socket("127.0.0.1", port)) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      RequestHeaderData h = new RequestHeaderData().setRequestApiKey(ApiKeys.API_VERSIONS.id)
          .setRequestApiVersion((short) 42).setCorrelationId(7).setClientId("probe");
      ByteBuffer req = RequestUtils.serialize(h, (short) 2, new ApiVersionsRequestData(), (short) 0);
      out.writeInt(req.remaining());
      out.write(req.array(), req.arrayOffset() + req.position(), req.remaining());
      out.flush();
      byte[] frame = new byte[in.readInt()];
      in.readFully(frame);
      ByteBufferAccessor a = new ByteBufferAccessor(ByteBuffer.wrap(frame));
      assertThat(new ResponseHeaderData(a, (short) 0).correlationId()).isEqualTo(7);
      ApiVersionsResponseData r = new ApiVersionsResponseData(a, (short) 0);
      assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
      assertThat(r.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion()).isEqualTo(ApiKeys.PRODUCE.latestVersion());
    }
    for (byte[] garbage : new byte[][] {
        "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        {0, 0, 0, 12, (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3, 4, 5, 6, 7, 8},
        {0, 0, 0, 6, 0, 0, 0, 3, 0, 0}}) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(garbage);
        s.getOutputStream().flush();
        assertThat(s.getInputStream().read()).as("the gateway closes a connection that sends garbage").isEqualTo(-1);
      }
    }
    assertThat(db.headSeq()).isEqualTo(seq);
    // Another client is served normally.
    try (KafkaProducer<String, String> p = db.producer()) {
      assertThat(p.send(new ProducerRecord<>("users", "u7", "{\"name\": \"Seven\"}")).get().offset())
          .isEqualTo(seq + 1);
    }
    assertThat(db.rows("SELECT name FROM users WHERE id = 'u7'")).containsExactly("Seven");
  }

  @Test
  void unknownTopicIsReportedAndNothingIsCreated() {
    long seq = db.headSeq();
    try (KafkaProducer<String, String> p = db.producer(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1500)) {
      assertThatThrownBy(() -> p.send(new ProducerRecord<>("no_such_table", "k", "{}")).get())
          .hasMessageContaining("no_such_table");
    }
    assertThat(db.headSeq()).isEqualTo(seq);
    assertThat(db.rows("SELECT count(*) FROM information_schema.tables WHERE table_name = 'no_such_table'"))
        .containsExactly("0");
  }
}
