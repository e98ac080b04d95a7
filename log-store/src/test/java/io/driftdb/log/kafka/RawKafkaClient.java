package io.driftdb.log.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * A bare Kafka-protocol client for tests: sends hand-made requests, reads raw responses. Public
 * for the tests of other modules (log-store's test-jar).
 */
public final class RawKafkaClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private int correlation;

  public RawKafkaClient(InetSocketAddress address) throws IOException {
    socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  /** Sends {@code body} as {@code key} version {@code v}; returns the correlation id. */
  public int send(ApiKeys key, short v, ApiMessage body) throws IOException {
    int id = ++correlation;
    RequestHeaderData h = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(v)
        .setCorrelationId(id).setClientId("raw-test");
    ByteBuffer b = RequestUtils.serialize(h, key.requestHeaderVersion(v), body, v);
    sendFrame(b);
    return id;
  }

  /** A request with a header only (any version, even ones the library cannot encode bodies for). */
  int sendHeaderOnly(ApiKeys key, short v, short headerVersion) throws IOException {
    int id = ++correlation;
    RequestHeaderData h = new RequestHeaderData().setRequestApiKey(key.id).setRequestApiVersion(v)
        .setCorrelationId(id).setClientId("raw-test");
    ByteBuffer b = RequestUtils.serialize(h, headerVersion, new org.apache.kafka.common.message.ApiVersionsRequestData(),
        (short) 0);
    sendFrame(b);
    return id;
  }

  void sendFrame(ByteBuffer b) throws IOException {
    out.writeInt(b.remaining());
    out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    out.flush();
  }

  void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads one response frame and checks its header; returns an accessor positioned at the body. */
  public ByteBufferAccessor receive(ApiKeys key, short responseVersion, int correlationId) throws IOException {
    int size = in.readInt();
    byte[] frame = new byte[size];
    in.readFully(frame);
    ByteBufferAccessor a = new ByteBufferAccessor(ByteBuffer.wrap(frame));
    ResponseHeaderData h = new ResponseHeaderData(a, key.responseHeaderVersion(responseVersion));
    if (h.correlationId() != correlationId) {
      throw new IllegalStateException("correlation id " + h.correlationId() + ", expected " + correlationId);
    }
    return a;
  }

  /** A Produce request (acks=all) of {@code records} for one partition. */
  public static ProduceRequestData produceRequest(String topic, int partition, MemoryRecords records) {
    ProduceRequestData d = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
    ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName(topic);
    td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records));
    d.topicData().add(td);
    return d;
  }

  /** Sends a Produce request of version {@code v}; returns the answer for its first partition. */
  public ProduceResponseData.PartitionProduceResponse produce(short v, ProduceRequestData d) throws IOException {
    int id = send(ApiKeys.PRODUCE, v, d);
    ProduceResponseData r = new ProduceResponseData(receive(ApiKeys.PRODUCE, v, id), v);
    return r.responses().iterator().next().partitionResponses().get(0);
  }

  /** InitProducerId v4: a new producer id with (-1, -1), an epoch bump with the current pair. */
  public InitProducerIdResponseData initProducerId(long pid, short epoch) throws IOException {
    int id = send(ApiKeys.INIT_PRODUCER_ID, (short) 4, new InitProducerIdRequestData().setTransactionalId(null)
        .setTransactionTimeoutMs(60_000).setProducerId(pid).setProducerEpoch(epoch));
    return new InitProducerIdResponseData(receive(ApiKeys.INIT_PRODUCER_ID, (short) 4, id), (short) 4);
  }

  /** True when the server closed the connection (EOF or reset) within the socket timeout. */
  boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return !(e instanceof java.net.SocketTimeoutException);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
