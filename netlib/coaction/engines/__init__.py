"""Where the co-share join runs: the shared SQL, DuckDB and Spark.

``sql``
    The SQL steps of the join (both engines run the same text).
``shares``
    The input read once into one layout (``tr, obj, acc, cid, ticks, rn``) and the pairs
    decoded back to the input's ids.
``duck``
    The DuckDB engine (the default).
``spark``
    The Spark engine (needs pyspark and Java; imported lazily) and ``spark-submit`` entry.

The public function is :func:`netlib.coaction.coshare_pairs`; the Parquet pair-file writer
is :mod:`netlib.coordination.engines.pairfiles`.
"""
