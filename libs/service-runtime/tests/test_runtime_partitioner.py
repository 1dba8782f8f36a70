"""The relay's partitioner puts every key where Kafka's default partitioner does."""

import random

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2

from service_runtime.partitioner import default_partition, murmur2


def test_murmur2_is_kafkas_for_keys_of_every_length_and_byte():
    generator = random.Random(6)
    keys = [bytes(generator.randrange(256) for _ in range(length)) for length in range(70) for _ in range(20)]
    keys += [b"", b"\xff" * 9, b"shopify:store-1:1001", "clé-é".encode()]
    for key in keys:
        assert murmur2(key) == aiokafka_murmur2(key), key


def test_a_key_lands_on_the_partition_aiokafka_chooses():
    generator = random.Random(7)
    for partitions in (1, 3, 12, 64):
        every = list(range(partitions))
        for _ in range(300):
            key = generator.randbytes(generator.randrange(1, 40))
            assert default_partition(key, every, every) == DefaultPartitioner()(key, every, every)


def test_a_record_without_key_goes_to_an_available_partition():
    assert default_partition(None, [0, 1, 2], [2]) == 2
    assert default_partition(None, [0, 1, 2], []) in (0, 1, 2)
