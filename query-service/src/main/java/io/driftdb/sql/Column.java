package io.driftdb.sql;

/** A result column: its name and PostgreSQL type. */
public record Column(String name, PgType type) {}
