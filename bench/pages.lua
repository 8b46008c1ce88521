-- Rotates over the 100 pages bench/hit-throughput.sh filled, so every request is a cache hit.
local paths = {}
for i = 0, 99 do
  paths[#paths + 1] = "/influencers/" .. (1000000 + i) .. "/livestreams?page=1&size=7"
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
