"""Failure counts in Redis, shared by every web process of a deployment (production).

Per key, two sorted sets scored by time: ``<key>:f`` the failures in the window and
``<key>:p`` the tries in flight. Each check-and-count and each release is one Lua script,
so it is atomic however many processes ask at once.
"""
import redis

from records.limits.window import wait_of

PREFIX = "records:limit:"

ACQUIRE = """
local now, ttl, token = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local n = #KEYS / 2
local waits, refused = {}, false
for i = 1, n do
  local f, p = KEYS[2 * i - 1], KEYS[2 * i]
  local limit, window = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', f, '-inf', now - window)
  redis.call('ZREMRANGEBYSCORE', p, '-inf', now - ttl)
  local failures = redis.call('ZCARD', f)
  local count = failures + redis.call('ZCARD', p)
  local wait = 0
  if count >= limit then
    local excess = count - limit
    wait = 1
    if excess < failures then
      local at = redis.call('ZRANGE', f, excess, excess, 'WITHSCORES')[2]
      wait = math.max(1, math.ceil(tonumber(at) + window - now))
    end
    refused = true
  end
  waits[i] = wait
end
if refused then return waits end
for i = 1, n do
  local f, p = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('ZADD', p, now, token)
  redis.call('EXPIRE', p, math.ceil(ttl) + 1)
end
return false
"""

RELEASE = """
local now, token, failed = tonumber(ARGV[1]), ARGV[2], ARGV[3] == '1'
for i = 1, #KEYS / 2 do
  local f, p = KEYS[2 * i - 1], KEYS[2 * i]
  local window = tonumber(ARGV[3 + i])
  if redis.call('ZREM', p, token) == 1 and failed then
    redis.call('ZADD', f, now, token)
    redis.call('EXPIRE', f, math.ceil(window) + 1)
  end
end
return true
"""


class RedisBackend:
    def __init__(self, url):
        self.client = redis.Redis.from_url(url, socket_timeout=5)
        self._acquire = self.client.register_script(ACQUIRE)
        self._release = self.client.register_script(RELEASE)

    @staticmethod
    def _names(keys):
        names = []
        for key, _, _ in keys:
            names += [f"{PREFIX}{key}:f", f"{PREFIX}{key}:p"]
        return names

    def acquire(self, keys, token, now, pending_ttl):
        args = [repr(now), repr(pending_ttl), token]
        for _, limit, window in keys:
            args += [limit, repr(window)]
        waits = self._acquire(keys=self._names(keys), args=args)
        return [int(w) for w in waits] if waits else None

    def release(self, keys, token, failed, now):
        args = [repr(now), token, "1" if failed else "0"] + [repr(w) for _, _, w in keys]
        self._release(keys=self._names(keys), args=args)

    def status(self, key, limit, window, now):
        times = [at for _, at in self.client.zrangebyscore(
            f"{PREFIX}{key}:f", now - window, "+inf", withscores=True)]
        return len(times), wait_of(times, 0, limit, window, now)

    def clear(self, key):
        self.client.delete(f"{PREFIX}{key}:f", f"{PREFIX}{key}:p")
