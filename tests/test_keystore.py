"""The compact key store of batch rules behaves as a dict of or-ed values, across flushes and merges."""

import random

from kinelint.keystore import KeyStore


def test_values_or_together_and_survive_flushes_and_merges():
    store, model = KeyStore(chunk=8), {}
    pool = random.Random(7)
    for step in range(2000):
        key = f"RX-{pool.randrange(300)}"
        bits = 1 << pool.randrange(1, 63)
        assert store.get(key) == model.get(key, 0), step
        store.add(key, bits)
        model[key] = model.get(key, 0) | bits
    assert all(store.get(key) == value for key, value in model.items())
    assert store.get("never added") == 0
    assert len(store._levels) <= 8  # merged: about log2(n / chunk) levels, not n / chunk


def test_a_set_of_a_hundred_thousand_ids():
    store = KeyStore(chunk=4096)
    for number in range(100_000):
        store.add(f"F-{number}")
    assert all(store.get(f"F-{number}") for number in range(0, 100_000, 997))
    assert not store.get("F-100000") and not store.get("F-x")
