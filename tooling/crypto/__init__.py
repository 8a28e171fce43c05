"""Signatures, keys and canonical payloads: secp256k1 through coincurve (libsecp256k1).

The lowest layer: it imports nothing of ``tooling``, so the core can judge a
signature through it and stay pure. coincurve is imported only inside the
functions that need it, so commands that never touch a signature do not pay
for loading it. Byte-exact with ``shared/vectors/interop.json``.
"""
