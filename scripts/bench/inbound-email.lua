-- wrk script: POST /api/v1/inbound/email with a typical message (about 3 KB of text), each with
-- its own Message-ID so none is a duplicate; a new sender every time, so each opens a case.
local token = os.getenv("CASEWORK_BENCH_TOKEN")
wrk.method = "POST"
wrk.headers["Content-Type"] = "message/rfc822"
wrk.headers["Authorization"] = "Bearer " .. token
local counter = 0
-- Each thread gets its own number (a global in the thread's Lua state) so ids never collide.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local text = string.rep("When I press Book an appointment the page stays blank on my phone. ", 40)
request = function()
  counter = counter + 1
  local id = string.format("bench-%s-%d-%d@example.com", tostring(tid), counter, os.time())
  local body = "From: Bench Requester <bench" .. counter .. "@example.com>\r\n"
    .. "To: support@casework.local\r\n"
    .. "Subject: Booking problem " .. counter .. "\r\n"
    .. "Message-ID: <" .. id .. ">\r\n"
    .. "Date: Sat, 21 Nov 2026 09:00:00 +0000\r\n"
    .. "MIME-Version: 1.0\r\n"
    .. "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    .. text .. "\r\n"
  return wrk.format(nil, "/api/v1/inbound/email", nil, body)
end
