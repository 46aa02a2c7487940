"""The compact key store of batch rules behaves as a dict of or-ed values, across flushes and merges."""

import random

import pytest

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


def test_capped_levels_stay_small_and_keys_in_several_of_them_still_or_together():
    store, model = KeyStore(chunk=8, level_cap=32), {}
    pool = random.Random(11)
    for step in range(3000):
        key = f"RX-{pool.randrange(200)}"
        bits = 1 << pool.randrange(1, 63)
        store.add(key, bits)
        model[key] = model.get(key, 0) | bits
    assert max(len(level) for level in store._levels) <= 32  # no merge beyond the cap
    assert len(store._levels) > 8  # so the levels pile up, and one key can sit in several
    assert all(store.get(key) == value for key, value in model.items())


def test_a_set_keeps_keys_only():
    ids = KeyStore(chunk=8, level_cap=32, values=False)
    for number in range(500):
        ids.add(f"F-{number}")
    assert all(ids.get(f"F-{number}") == 1 for number in range(500))
    assert ids.get("F-500") == 0
    assert all(level.value is None for level in ids._levels)  # no value array: 16 bytes a key
    with pytest.raises(ValueError):
        ids.add("F-1", 6)


def test_merge_returns_the_value_before_and_ors_in_the_new_bits():
    store = KeyStore(chunk=4, level_cap=8)
    assert store.merge("RX-1", 0b010) == 0
    for n in range(20):  # push RX-1 down into a level
        store.add(f"other-{n}")
    assert store.merge("RX-1", 0b100) == 0b010
    assert store.get("RX-1") == 0b110


@pytest.mark.parametrize("filter_bits", [3, 24])  # 8 slots: every lookup passes the filter; 2^24: most stop there
def test_the_seen_filter_never_hides_a_key(monkeypatch, filter_bits):
    import kinelint.keystore as keystore

    monkeypatch.setattr(keystore, "FILTER_BITS", filter_bits)
    store, model = KeyStore(chunk=16, level_cap=64), {}
    pool = random.Random(5)
    for step in range(4000):
        key = f"RX-{pool.randrange(3000)}"
        assert store.get(key) == model.get(key, 0), step
        bits = 1 << pool.randrange(1, 63)
        assert store.merge(key, bits) == model.get(key, 0), step
        model[key] = model.get(key, 0) | bits


def test_a_small_store_makes_no_bitmap():
    store = KeyStore()  # as one API call or a pre-commit run makes it: a few keys
    for number in range(100):
        store.add(f"F-{number}")
    assert store._seen is None and store.get("F-7") == 1 and store.get("F-100") == 0


def test_a_key_by_its_fingerprint_is_the_same_key():
    from kinelint.keystore import fingerprint

    store = KeyStore(chunk=4, level_cap=8)
    assert store.merge_mark(fingerprint("RX-1"), 0b010) == 0
    for n in range(20):  # push RX-1 down into a level
        store.add(f"other-{n}")
    assert store.merge("RX-1", 0b100) == 0b010
    assert store.get_mark(fingerprint("RX-1")) == 0b110 == store.get("RX-1")
    assert store.merge_mark(fingerprint("RX-2"), 0b1) == 0 and store.get("RX-2") == 1
