package io.driftdb.materializer;

import java.util.List;

/** A secondary index over column ids. */
public record IndexInfo(String name, List<Integer> columnIds, boolean unique) {}
