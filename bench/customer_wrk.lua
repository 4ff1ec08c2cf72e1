-- wrk script for bench/http_bench.sh: GET /v1/carriers/1/customers/{id} with
-- keep-alive over random customers 1..CUSTOMERS (one customer read again and
-- again would sit in every cache and measure less than a CSR's reads do).
-- Environment: PROPRIO_TOKEN (bearer token), CUSTOMERS (ids 1..CUSTOMERS exist).
local token = os.getenv("PROPRIO_TOKEN") or ""
local customers = tonumber(os.getenv("CUSTOMERS") or "10000")

function setup(thread)
  thread:set("seed", math.random(1, 2 ^ 30))
end

function init(args)
  math.randomseed(seed or os.time())
end

function request()
  return wrk.format("GET", "/v1/carriers/1/customers/" .. math.random(customers),
                    {["Authorization"] = "Bearer " .. token})
end
