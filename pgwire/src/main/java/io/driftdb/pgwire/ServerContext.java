package io.driftdb.pgwire;

import io.driftdb.pgwire.auth.PasswordStore;
import io.driftdb.sql.SqlEngine;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one server shares.
 *
 * @param sslContext null when TLS is not configured
 * @param sessionPool threads that run statements (one at a time per connection)
 * @param mockAuthKey random per server; derives stable fake SCRAM salts for unknown users
 * @param openConnections connections that completed startup and hold a session slot
 */
record ServerContext(PgServerConfig config, SqlEngine engine, PasswordStore passwords, CancelRegistry cancels,
                     SslContext sslContext, ExecutorService sessionPool, byte[] mockAuthKey, SecureRandom random,
                     AtomicInteger openConnections) {}
