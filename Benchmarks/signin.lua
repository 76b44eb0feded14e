-- wrk script: POST sign-ins for the benchmark readers, round robin over BENCH_READERS accounts
-- (bench0@example.com, bench1@…; password from the environment). One account per connection's
-- worth of concurrency: the lockout lets at most 10 sign-ins of one account be checked at once.
local readers = tonumber(os.getenv("BENCH_READERS") or "1")
local password = os.getenv("BENCH_PASSWORD")
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local body = string.format('{"email": "bench%d@example.com", "password": "%s"}', counter % readers, password)
  return wrk.format(nil, nil, nil, body)
end
