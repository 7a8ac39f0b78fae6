"""The pair-file writer: co-share pairs written to and read from Parquet files.

``pairfiles``
    :func:`~netlib.coordination.write_coshare_pairs` and
    :func:`~netlib.coordination.pair_edges`.

The join itself (the shared SQL, DuckDB and Spark engines) lives in
:mod:`netlib.coaction.engines`; the public functions are
:func:`netlib.coordination.coshare_pairs`, :func:`~netlib.coordination.write_coshare_pairs`
and :func:`~netlib.coordination.pair_edges`.
"""
