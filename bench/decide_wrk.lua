-- wrk script for bench/decide_bench.sh: POST /v1/carriers/1/decisions with
-- keep-alive, cycling through 512 request bodies over random customers and a
-- mix of purposes. Environment: PROPRIO_TOKEN (bearer token), CUSTOMERS (ids
-- 1..CUSTOMERS exist), DECISION_BATCH (1: one request per call; N > 1:
-- {"requests": [N requests]}).
local token = os.getenv("PROPRIO_TOKEN") or ""
local customers = tonumber(os.getenv("CUSTOMERS") or "10000")
local batch = tonumber(os.getenv("DECISION_BATCH") or "1")

local questions = {
  '"action":"use","purpose":"provide_service"',
  '"action":"use","purpose":"marketing_same_category","offering":"interexchange"',
  '"action":"use","purpose":"marketing_other_category","offering":"cmrs"',
  '"action":"disclose","purpose":"marketing_same_category","recipient":{"kind":"affiliate"},' ..
    '"context":{"recipient_serves_customer":true}',
  '"action":"disclose","purpose":"research","recipient":{"kind":"third_party"}',
  '"action":"permit_access","purpose":"billing_collection","recipient":{"kind":"agent"}',
  '"action":"use","purpose":"fraud_protection"',
  '"action":"disclose","purpose":"customer_account_access","recipient":{"kind":"customer"},' ..
    '"cpni":["call_detail"],"context":{"channel":"inbound_call","password_provided":true}',
}

local function one()
  local q = questions[math.random(#questions)]
  local body = '{"customer":' .. math.random(customers) .. ',' .. q
  if not string.find(q, '"cpni"') then body = body .. ',"cpni":["usage"]' end
  return body .. ',"service_category":"local","at":"2025-06-02T15:00:00Z"}'
end

local bodies = {}

function init(args)
  math.randomseed(os.time() + math.random(1000))
  for i = 1, 512 do
    if batch <= 1 then
      bodies[i] = one()
    else
      local items = {}
      for j = 1, batch do items[j] = one() end
      bodies[i] = '{"requests":[' .. table.concat(items, ",") .. ']}'
    end
  end
end

local n = 0
function request()
  n = n % #bodies + 1
  return wrk.format("POST", "/v1/carriers/1/decisions",
                    {["Content-Type"] = "application/json",
                     ["Authorization"] = "Bearer " .. token}, bodies[n])
end
