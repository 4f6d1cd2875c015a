from django.core.cache import cache


def test_the_cache_answers_through_one_redis_client_per_pool():
    cache.set("test-cache-one-client", "kept", 30)
    assert cache.get("test-cache-one-client") == "kept"
    client = cache._cache
    assert client.get_client("one") is client.get_client("other", write=True)
