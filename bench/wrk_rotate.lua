-- Reads pages in turn: the file named by the script's first argument lists them, one a line,
-- "path<TAB>Cookie header" (nothing after the tab for a page read without a session).
-- Prints wrk_report.lua's line at the end.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "wrk_report.lua")

local requests, turn = {}, 0

function init(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]*)\t(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    requests[#requests + 1] = wrk.format("GET", path, headers)
  end
end

function request()
  turn = turn % #requests + 1
  return requests[turn]
end
