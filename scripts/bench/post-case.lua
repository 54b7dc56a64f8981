-- wrk script: POST /api/v1/cases with a realistic body and the bearer token from the environment.
local token = os.getenv("CASEWORK_BENCH_TOKEN")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"kind":"support_request","subject":"Cannot book an appointment %d","description":"When I press Book an appointment the page stays blank. I am using the app on an Android phone and have updated it today.","requester":{"name":"Bench Requester","email":"bench%d@example.com"},"tags":["booking"]}',
    counter, counter % 1000)
  return wrk.format(nil, "/api/v1/cases", nil, body)
end
